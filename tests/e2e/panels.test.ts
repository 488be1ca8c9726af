// The tabs of an open dump in Chromium, checked against the native CLI's JSON for the same fixture: what crashed,
// the header read from the file, registers, exception, modules (filter and sort), stack, the memory map picture,
// a minidump's triage data, and a damaged dump's warnings in plain words.
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { formatBytes, formatHexSize } from '../../web/src/format';
import type { Summary } from '../../web/src/summary';
import { cliSummary, fixture } from '../wasm/support';
import { openFixtures, poll, useViewerPage } from './harness';

const t = useViewerPage();

const summaryOf = (name: string) => cliSummary(fixture(name)) as unknown as Summary;

async function open(name: string): Promise<void> {
  await openFixtures(t.page, name);
  await poll(() => t.page.locator('[data-panel="crash"] [data-field="bugcheckCode"]').count()).toBe(1);
}

async function showTab(id: string) {
  await t.page.locator(`[data-tab="${id}"]`).click();
  const panel = t.page.locator(`[data-panel="${id}"]`);
  await poll(() => panel.locator('.panel-page').count()).toBe(1);
  return panel;
}

const field = (scope: Page | Locator, name: string) => scope.locator(`[data-field="${name}"]`);

describe('what crashed', () => {
  it('shows the bug check, the culprit, the parameters and the machine as the CLI reports them', async () => {
    await open('sample.dmp');
    const expected = summaryOf('sample.dmp');
    const crash = t.page.locator('[data-panel="crash"]');
    expect(await field(crash, 'bugcheckName').textContent()).toBe(expected.bugcheck.name);
    expect(await field(crash, 'bugcheckCode').textContent()).toBe(expected.bugcheck.code);
    expect(await crash.locator('.crash-title').textContent()).toBe('DRIVER_IRQL_NOT_LESS_OR_EQUAL (0xd1)');
    expect(await field(crash, 'bugcheckDescription').textContent()).toBe(expected.bugcheck.description);
    for (const [i, value] of expected.bugcheck.parameters.entries()) {
      expect(await field(crash, `bugcheckParameter${i + 1}Value`).textContent()).toBe(value);
      expect(await field(crash, `bugcheckParameter${i + 1}`).textContent()).toBe(`${value} (${expected.bugcheck.parameterMeanings[i]})`);
    }
    expect(await field(crash, 'bugcheckParameter4Symbol').textContent()).toBe('baddrv.sys+0xabcd');

    expect(await field(crash, 'culpritModule').textContent()).toBe(expected.culprit!.module);
    expect(await field(crash, 'culpritAddress').textContent()).toBe('baddrv.sys+0xabcd (0xfffff8031234abcd)');
    expect(await field(crash, 'culpritReason').textContent()).toBe(`The ${expected.culprit!.reason} points inside baddrv.sys.`);
    expect(await field(crash, 'culpritPath').textContent()).toBe('\\SystemRoot\\System32\\drivers\\baddrv.sys');

    expect(await field(crash, 'systemTimeUtc').textContent()).toBe('2024-03-01 12:34:56.789 UTC');
    expect(expected.header.systemTime).toBe('2024-03-01T12:34:56.789Z');
    expect(await field(crash, 'systemTimeLocal').textContent()).toMatch(/2024/);
    expect(await field(crash, 'uptime').textContent()).toBe('10:00:00');
    expect(await field(crash, 'windowsVersion').textContent()).toBe('Windows 10 2004 (build 19041)');
    expect(await field(crash, 'machine').textContent()).toBe(`${expected.header.machineName} (${expected.header.machineImageType})`);
    expect(await field(crash, 'numberProcessors').textContent()).toBe(String(expected.header.numberProcessors));
    expect(await field(crash, 'dumpType').textContent()).toBe(`${expected.header.dumpTypeName} (${expected.header.dumpType})`);
    expect(await field(crash, 'fileSize').textContent()).toBe(formatHexSize(expected.header.fileSize));
    expect(await field(crash, 'directoryTableBase').textContent()).toBe(expected.header.directoryTableBase);
    expect(await crash.locator('.crash-warnings').count()).toBe(0);
  });

  it('opens the culprit address in the virtual hex view', async () => {
    await open('sample.dmp');
    await t.page.locator('[data-field="culpritAddress"]').click();
    await poll(() => t.page.locator('[data-panel="hex"]').isVisible()).toBe(true);
    expect(await t.page.locator('[data-panel="crash"]').isVisible()).toBe(false);
    await poll(() => new URL(t.page.url()).hash).toContain('space=virtual&address=0xfffff8031234abcd');
  });

  it('explains the warnings of a truncated dump in plain words, codes and messages kept', async () => {
    await open('full-truncated.dmp');
    const expected = summaryOf('full-truncated.dmp');
    const items = t.page.locator('[data-panel="crash"] .crash-warnings li');
    expect(await items.count()).toBe(expected.warnings.length);
    expect(await t.page.locator('.crash-warnings h3').textContent()).toBe(`This dump has ${expected.warnings.length} problems`);
    const truncated = t.page.locator('.crash-warnings li[data-code="file-truncated"]');
    expect(await field(truncated, 'warningText').textContent()).toMatch(/^The file is shorter than Windows wrote it/);
    expect(await field(truncated, 'warningCode').textContent()).toBe('file-truncated');
    expect(await field(truncated, 'warningMessage').textContent()).toBe(expected.warnings.find((w) => w.code === 'file-truncated')!.message);
    expect(await t.page.locator('[data-field="culpritModule"]').textContent()).toBe('not found: no loaded module holds the blamed address');
    // No context, no exception: those tabs are not offered.
    expect(await t.page.locator('[data-tab="registers"]').count()).toBe(0);
    expect(await t.page.locator('[data-tab="exception"]').count()).toBe(0);
  });
});

describe('the header tab', () => {
  it('reads each field from the file, and an offset button shows its bytes in the hex view', async () => {
    await open('sample.dmp');
    const header = await showTab('header');
    const rowOf = (name: string) => header.locator(`tr[data-header-field="${name}"]`);
    // The 64-bit header's 33 fields (kdmp::header_fields), in file order.
    const names = await header.locator('tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset['headerField']));
    expect(names).toHaveLength(33);
    expect([names[0], names[10], names[32]]).toEqual(['Signature', 'BugCheckCode', 'BootId']);
    const bugcheck = rowOf('BugCheckCode');
    expect(await field(bugcheck, 'headerOffset').textContent()).toBe('0x038');
    expect(await field(bugcheck, 'headerSize').textContent()).toBe('4');
    expect(await field(bugcheck, 'headerValue').textContent()).toBe('0xd1');
    expect(await field(bugcheck, 'headerDecoded').textContent()).toBe('DRIVER_IRQL_NOT_LESS_OR_EQUAL');
    expect(await field(rowOf('Signature'), 'headerValue').textContent()).toBe('PAGE');
    expect(await field(rowOf('ValidDump'), 'headerValue').textContent()).toBe('DU64');
    expect(await field(rowOf('DirectoryTableBase'), 'headerValue').textContent()).toBe(summaryOf('sample.dmp').header.directoryTableBase);
    expect(await field(rowOf('MinorVersion'), 'headerDecoded').textContent()).toBe('Windows 10 2004 (build 19041)');
    expect(await field(rowOf('DumpType'), 'headerDecoded').textContent()).toBe('Full');
    expect(await field(rowOf('SystemTime'), 'headerDecoded').textContent()).toBe('2024-03-01 12:34:56.789 UTC');
    expect(await field(rowOf('Comment'), 'headerValue').textContent()).toBe('kdmpview sample dump');
    expect(await field(rowOf('ContextRecord'), 'headerValue').textContent()).toBe('(3000 bytes)');
    expect(await field(rowOf('VersionUser'), 'headerValue').textContent()).toBe('not set (PAGE fill)');

    await field(bugcheck, 'headerOffset').click();
    await poll(() => t.page.locator('[data-panel="hex"]').isVisible()).toBe(true);
    expect(await header.isVisible()).toBe(false);
    await poll(() => new URL(t.page.url()).hash).toContain('space=file&address=0x38');
  });

  it('says "not set" for the records a damaged dump never wrote', async () => {
    await open('full-truncated.dmp');
    const header = await showTab('header');
    expect(await header.locator('tr[data-header-field="ContextRecord"] [data-field="headerValue"]').textContent()).toBe('not set (PAGE fill)');
    expect(await header.locator('tr[data-header-field="Exception"] [data-field="headerValue"]').textContent()).toBe('not set (PAGE fill)');
  });
});

describe('registers and exception', () => {
  it('shows rip with its module+offset and the decoded flags', async () => {
    await open('sample.dmp');
    const context = summaryOf('sample.dmp').context!;
    const registers = await showTab('registers');
    const names = await registers.locator('tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset['register']));
    expect(names.slice(0, 6)).toEqual(['rip', 'rsp', 'rbp', 'rax', 'rbx', 'rcx']);
    expect(names).toHaveLength(Object.keys(context).length);
    expect(await field(registers, 'register-rip').textContent()).toBe(context['rip']);
    expect(await field(registers, 'register-rip-symbol').textContent()).toBe('baddrv.sys+0xabcd');
    expect(await field(registers, 'register-rflags').textContent()).toBe(context['rflags']);
    expect(await field(registers, 'register-rflags-flags').textContent()).toBe('SF IF RF (iopl=0 nv up ei ng nz na po nc)');
    await field(registers, 'register-rsp').click();
    await poll(() => new URL(t.page.url()).hash).toContain(`space=virtual&address=${context['rsp']}`);
  });

  it('orders ARM64 registers from pc and decodes the CPSR', async () => {
    await open('system-arm64.dmp');
    const registers = await showTab('registers');
    const names = await registers.locator('tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset['register']));
    expect(names.slice(0, 6)).toEqual(['pc', 'sp', 'fp', 'lr', 'x0', 'x1']);
    expect(await field(registers, 'register-pc-symbol').textContent()).toBe('baddrv.sys+0xabcc');
    expect(await field(registers, 'register-cpsr-flags').textContent()).toBe('Z C, EL1h');
  });

  it('shows the header\'s context at the bug check and, beside it, the context at the fault', async () => {
    await open('system-x64-fault-context.dmp');
    const expected = summaryOf('system-x64-fault-context.dmp');
    const registers = await showTab('registers');
    const columns = await registers.locator('.register-context > h3').allTextContents();
    expect(columns).toEqual(['At the bug check', 'At the fault']);
    expect(await field(registers, 'register-rip').textContent()).toBe(expected.context!['rip']);
    expect(await field(registers, 'register-rip-symbol').textContent()).toBe('ntoskrnl.exe+0x3f9c40');
    expect(await field(registers, 'fault-register-rip').textContent()).toBe(expected.faultingContext!.registers['rip']);
    expect(await field(registers, 'fault-register-rip-symbol').textContent()).toBe('baddrv.sys+0xabcd');
    expect(await field(registers, 'faultingContextSource').textContent()).toBe('bug check 0x1000007E parameter 4 (context record)');

    const stack = await showTab('stack');
    expect(await field(stack, 'stackFaultPointer').textContent()).toBe(expected.stack.faultingStackPointer);
    const marker = field(stack, 'stackFaultMarker');
    expect(await marker.textContent()).toContain(`${expected.stack.faultingStackPointer}: the stack pointer at the fault`);
    // The kernel's return addresses between KeBugCheckEx and the fault come before the marker, baddrv.sys after it.
    const rows = await stack.locator('tbody tr:not([hidden])').evaluateAll((trs) => trs.map((tr) => tr.textContent ?? ''));
    const at = rows.findIndex((r) => r.includes('the stack pointer at the fault'));
    expect(rows.slice(0, at).some((r) => r.includes('ntoskrnl.exe+0x40f4e1'))).toBe(true);
    expect(rows.slice(at).some((r) => r.includes('baddrv.sys+0x1234'))).toBe(true);
  });

  it('orders 32-bit ARM registers from pc, drops the Thumb bit in module+offset and decodes the CPSR', async () => {
    await open('system-arm.dmp');
    const registers = await showTab('registers');
    const names = await registers.locator('tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset['register']));
    expect(names.slice(0, 6)).toEqual(['pc', 'sp', 'r11', 'lr', 'r0', 'r1']);
    expect(await field(registers, 'register-pc-symbol').textContent()).toBe('baddrv.sys+0xabcc');
    expect(await field(registers, 'register-lr').textContent()).toBe('0x9a101235');
    expect(await field(registers, 'register-lr-symbol').textContent()).toBe('baddrv.sys+0x1234');
    expect(await field(registers, 'register-cpsr-flags').textContent()).toBe('C, Thumb state, supervisor mode');
    const crash = t.page.locator('[data-panel="crash"]');
    expect(await field(crash, 'machine').textContent()).toBe('ARM (0x1c4)');
  });

  it('says a dump written on request blames nothing', async () => {
    await open('system-arm-on-request.dmp');
    const crash = t.page.locator('[data-panel="crash"]');
    expect(await field(crash, 'bugcheckName').textContent()).toBe('NO_BUG_CHECK');
    expect(await field(crash, 'culpritModule').textContent()).toBe('nothing: the dump was written on request');
  });

  it('explains the access violation', async () => {
    await open('sample.dmp');
    const exception = await showTab('exception');
    expect(await field(exception, 'exceptionCode').textContent()).toBe('0xc0000005');
    expect(await field(exception, 'exceptionName').textContent()).toBe('STATUS_ACCESS_VIOLATION');
    expect(await field(exception, 'exceptionAddress').textContent()).toBe('0xfffff8031234abcd');
    expect(await field(exception, 'exceptionAddressSymbol').textContent()).toBe('baddrv.sys+0xabcd');
    expect(await field(exception, 'exceptionParameter1').textContent()).toBe('0x28');
    expect(await field(exception, 'exceptionParameter0Meaning').textContent()).toMatch(/^read: /);
    expect(await field(exception, 'exceptionSummary').textContent()).toBe('The instruction at baddrv.sys+0xabcd tried to read address 0x28: an address this low usually means a NULL pointer was used.');
  });
});

describe('the modules tab', () => {
  it('lists every module, filters by text and kind, and sorts by a column', async () => {
    await open('sample.dmp');
    const expected = summaryOf('sample.dmp').modules;
    const modules = await showTab('modules');
    const visibleNames = () => modules.locator('tbody tr:not([hidden]) [data-field="moduleName"]').allTextContents();
    expect(await visibleNames()).toEqual(expected.map((m) => m.name));
    expect(await field(modules, 'moduleCount').textContent()).toBe(`${expected.length} modules`);

    // The culprit's row is marked.
    expect(await modules.locator('tr.culprit-row [data-field="moduleName"]').textContent()).toBe('baddrv.sys');
    const baddrv = modules.locator('tr[data-module="baddrv.sys"]');
    expect(await field(baddrv, 'moduleBase').textContent()).toBe('0xfffff80312340000');
    expect(await field(baddrv, 'moduleEnd').textContent()).toBe('0xfffff80312350000');
    expect(await field(baddrv, 'moduleTimestamp').textContent()).toBe('2022-01-19 23:37:23');

    await field(modules, 'moduleSearch').fill('NT');
    const nt = expected.filter((m) => /nt/i.test(m.name) || /nt/i.test(m.path)).map((m) => m.name);
    expect(nt).toEqual(['ntdll.dll', 'ntoskrnl.exe', 'Ntfs.sys']);
    expect(await visibleNames()).toEqual(nt);
    expect(await field(modules, 'moduleCount').textContent()).toBe(`3 of ${expected.length} modules`);

    await field(modules, 'moduleKindFilter').selectOption('kernel');
    expect(await visibleNames()).toEqual(['ntoskrnl.exe', 'Ntfs.sys']);
    await field(modules, 'moduleSearch').fill('');
    expect(await visibleNames()).toEqual(expected.filter((m) => m.kind === 'kernel').map((m) => m.name));

    // Size, descending on the second click; aria-sort follows.
    const sizeHeader = modules.locator('th[data-column="size"]');
    await sizeHeader.getByRole('button').click();
    expect(await sizeHeader.getAttribute('aria-sort')).toBe('ascending');
    expect(await modules.locator('th[data-column="base"]').getAttribute('aria-sort')).toBeNull();
    await sizeHeader.getByRole('button').click();
    expect(await sizeHeader.getAttribute('aria-sort')).toBe('descending');
    const bySize = expected.filter((m) => m.kind === 'kernel').sort((a, b) => Number(BigInt(b.size) - BigInt(a.size))).map((m) => m.name);
    expect(await visibleNames()).toEqual(bySize);
    expect(bySize[0]).toBe('ntoskrnl.exe');

    await field(modules, 'moduleKindFilter').selectOption('');
    await modules.locator('th[data-column="name"]').getByRole('button').click();
    expect(await visibleNames()).toEqual(expected.map((m) => m.name).sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));

    await modules.getByRole('button', { name: 'hal.dll', exact: true }).click();
    await poll(() => new URL(t.page.url()).hash).toContain('space=virtual&address=0xfffff80340e00000');
  });
});

describe('processes', () => {
  it('names the process, thread, CPU and IRQL that were running on the first screen', async () => {
    await open('sample.dmp');
    const crash = t.page.locator('[data-panel="crash"]');
    expect(await field(crash, 'crashingProcess').textContent()).toBe('app.exe (PID 6700, 0x1a2c)');
    expect(await field(crash, 'crashingThread').textContent()).toBe('TID 12052 (0x2f14)');
    expect(await field(crash, 'crashingCpu').textContent()).toBe('CPU 2');
    expect(await field(crash, 'crashingIrql').textContent()).toBe('2 (DISPATCH_LEVEL)');
  });

  it('lists every process, filters and sorts them, lists threads, and opens a process\'s address space', async () => {
    await open('sample.dmp');
    const expected = summaryOf('sample.dmp');
    const panel = await showTab('processes');
    const visibleNames = () => panel.locator('tbody tr:not([hidden]) [data-field="processName"]').allTextContents();
    expect(await visibleNames()).toEqual(expected.processes.map((p) => p.name));
    expect(await field(panel, 'processCount').textContent()).toBe('7 processes');
    // The crashing process's threads are shown from the start, the crashed one marked.
    expect(await panel.locator('.process-threads [data-field="threadTid"]').allTextContents()).toEqual(['12048', '12052', '12076']);
    await field(panel, 'processSearch').fill('0x1f40');
    expect(await visibleNames()).toEqual(['app.exe', 'explorer.exe', 'setup.exe']);
    expect(await field(panel, 'processCount').textContent()).toBe('3 of 7 processes');
    await field(panel, 'processSearch').fill('');
    await panel.locator('th[data-column="name"] button').click();
    expect((await visibleNames())[0]).toBe('app.exe');
    await panel.locator('tbody tr[data-pid="584"] [data-field="processThreads"]').click();
    expect(await panel.locator('.process-threads [data-field="threadTid"]').allTextContents()).toEqual(['588', '592']);
    expect(await panel.locator('.process-offsets [data-field="offsetSource"]').count()).toBe(expected.kernelOffsets.fields.length);
    // app.exe's address space: its PEB through its own DirectoryTableBase.
    await panel.locator('tbody tr[data-pid="6700"] [data-field="processName"]').click();
    await poll(() => new URL(t.page.url()).hash).toContain('space=virtual&address=0xa3c5f4d000&dtb=0x100000');
  });

  it('shows the user modules of the selected process, read in its own address space', async () => {
    await open('sample.dmp');
    const expected = summaryOf('sample.dmp');
    const panel = await showTab('processes');
    const moduleNames = () => panel.locator('.process-modules [data-field="processModuleName"]').allTextContents();
    // The crashing process is selected from the start: its loader list, sorted by base, as the CLI reads it.
    expect(await moduleNames()).toEqual(['app.exe', 'KERNEL32.DLL', 'ntdll.dll']);
    const app = expected.processes.find((p) => p.name === 'app.exe')!;
    expect(app.modules.map((m) => m.name)).toEqual(['app.exe', 'KERNEL32.DLL', 'ntdll.dll']);
    expect(await panel.locator('.process-modules [data-field="processModuleBase"]').allTextContents()).toEqual(app.modules.map((m) => m.base));
    expect(await panel.locator('.process-modules [data-field="processModulePath"]').first().textContent()).toBe('C:\\Program Files\\App\\app.exe');
    expect(await panel.locator('.process-modules h3').textContent()).toBe('Modules of app.exe (3)');
    // Selecting System's row: no PEB, no user modules.
    await panel.locator('tbody tr[data-pid="4"] [data-field="processPid"]').click();
    expect(await moduleNames()).toEqual([]);
    expect(await panel.locator('.process-modules .panel-empty').textContent()).toBe('This process has no PEB, so no user modules.');
    expect(await panel.locator('tbody tr.selected-row').getAttribute('data-pid')).toBe('4');
    // csrss.exe has a PEB, but its page tables are not in this dump: the reason is shown.
    await panel.locator('tbody tr[data-pid="584"] [data-field="processPid"]').click();
    expect(await panel.locator('.process-modules .panel-empty').textContent()).toBe('No user modules could be read for this process.');
    const csrss = expected.processes.find((p) => p.name === 'csrss.exe')!;
    expect(await panel.locator('.process-modules [data-field="processModuleWarning"]').allTextContents()).toEqual(csrss.moduleWarnings.map((w) => w.message));
    expect(csrss.moduleWarnings.length).toBe(1);
    // A module opens the process's address space at its base.
    await panel.locator('tbody tr[data-pid="6700"] [data-field="processPid"]').click();
    await panel.locator('.process-modules [data-field="processModuleName"]', { hasText: 'ntdll.dll' }).click();
    await poll(() => new URL(t.page.url()).hash).toContain('space=virtual&address=0x7ffd5e9b0000&dtb=0x100000');
  });

  it('is not offered for a triage dump, which keeps no process list', async () => {
    await open('triage64-process.dmp');
    expect(await t.page.locator('[data-tab="processes"]').count()).toBe(0);
    const crash = t.page.locator('[data-panel="crash"]');
    expect(await field(crash, 'crashingProcess').textContent()).toBe('app.exe (PID 6700, 0x1a2c)');
    expect(await field(crash, 'crashingCpu').textContent()).toBe('CPU 3');
    expect(await field(crash, 'crashingIrql').textContent()).toBe('unknown');
  });
});

describe('the stack tab', () => {
  it('shows the probable return addresses, and every value on demand', async () => {
    await open('sample.dmp');
    const { stack } = summaryOf('sample.dmp');
    const panel = await showTab('stack');
    const visible = () => panel.locator('.stack-table tbody tr:not([hidden]) [data-field="stackSymbol"]').allTextContents();
    expect(await visible()).toEqual(stack.entries.filter((e) => e.probableReturn).map((e) => `${e.module}+${e.offset}`));
    expect(await field(panel, 'stackStart').textContent()).toBe(stack.start);
    await field(panel, 'stackProbableOnly').uncheck();
    expect(await visible()).toEqual(stack.entries.map((e) => `${e.module}+${e.offset}`));
    expect(await panel.locator('.stack-table tr.stack-other').count()).toBe(stack.entries.filter((e) => !e.probableReturn).length);
  });
});

describe('the memory map tab', () => {
  it('draws one block per range, placed by address, and opens physical memory at a block', async () => {
    await open('sample.dmp');
    const { physicalMemory } = summaryOf('sample.dmp');
    const memory = await showTab('memory');
    const blocks = memory.locator('.memory-block');
    expect(await blocks.count()).toBe(physicalMemory.ranges.length);
    expect(await blocks.evaluateAll((all) => all.map((b) => (b as HTMLElement).dataset['base']))).toEqual(physicalMemory.ranges.map((r) => r.base));
    // The ranges as the CLI lists them (sample.dmp: 0x100000 and 0x400000, sizes from the fixture writer).
    const ranges = physicalMemory.ranges.map((r) => ({ base: BigInt(r.base), end: BigInt(r.base) + BigInt(r.pages) * 0x1000n, pages: r.pages }));
    const top = ranges.at(-1)!.end;
    expect(ranges[0]!.base).toBe(0x100000n);
    expect(await blocks.first().getAttribute('title')).toBe(`0x100000 \u2013 0x${(ranges[0]!.end - 1n).toString(16)}: ${ranges[0]!.pages} pages (${formatBytes(ranges[0]!.end - ranges[0]!.base)})`);
    // Positioned through the CSSOM: each block starts at base / top of the bar; the gap up to 0x400000 stays empty.
    const boxes = await blocks.evaluateAll((all) => all.map((b) => ({ left: (b as HTMLElement).style.left, width: (b as HTMLElement).style.width })));
    expect(parseFloat(boxes[0]!.left)).toBeCloseTo(Number((ranges[0]!.base * 10000n) / top) / 100, 1);
    expect(parseFloat(boxes[1]!.left)).toBeCloseTo(Number((ranges[1]!.base * 10000n) / top) / 100, 1);
    expect(await field(memory, 'memoryPages').textContent()).toBe(String(physicalMemory.pages));
    expect(await field(memory, 'memoryTop').textContent()).toBe(`0x${(top - 1n).toString(16)}`);
    expect(await memory.locator('[data-field="rangeBase"]').allTextContents()).toEqual(physicalMemory.ranges.map((r) => r.base));
    await blocks.nth(1).click();
    await poll(() => new URL(t.page.url()).hash).toContain('space=physical&address=0x400000');
  });
});

describe('the triage tab', () => {
  it('shows a minidump\'s drivers and saved blocks as the CLI reports them', async () => {
    await open('triage64.dmp');
    const triage = summaryOf('triage64.dmp').triage!;
    expect(await t.page.locator('[data-tab="memory"]').count()).toBe(0);
    const panel = await showTab('triage');
    expect(await field(panel, 'triageValid').textContent()).toBe('yes');
    expect(await field(panel, 'triageBrokenDriver').textContent()).toBe(triage.brokenDriver ?? 'none recorded');
    expect(await field(panel, 'triageDriverCount').textContent()).toBe(String(triage.driverCount));
    expect(await field(panel, 'triageTopOfStack').textContent()).toBe(triage.topOfStack);
    expect(await field(panel, 'unloadedName').allTextContents()).toEqual(triage.unloadedDrivers.map((d) => d.name));
    expect(await field(panel, 'unloadedStart').allTextContents()).toEqual(triage.unloadedDrivers.map((d) => d.start));
    expect(await field(panel, 'blockAddress').allTextContents()).toEqual(triage.dataBlocks.map((b) => b.address));
    expect(await field(panel, 'blockFileOffset').allTextContents()).toEqual(triage.dataBlocks.map((b) => b.fileOffset));
    expect(await field(panel, 'blockSize').allTextContents()).toEqual(triage.dataBlocks.map((b) => b.size));
    await field(panel, 'blockFileOffset').nth(1).click();
    await poll(() => new URL(t.page.url()).hash).toContain(`space=file&address=${triage.dataBlocks[1]!.fileOffset}`);
  });

  it('is not offered for a full dump', async () => {
    await open('sample.dmp');
    expect(await t.page.locator('[data-tab="triage"]').count()).toBe(0);
    expect(await t.page.locator('[data-tab]').evaluateAll((tabs) => tabs.map((b) => (b as HTMLElement).dataset['tab'])))
      .toEqual(['crash', 'header', 'registers', 'exception', 'modules', 'processes', 'stack', 'memory', 'hex']);
  });
});
