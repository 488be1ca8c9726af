// The stack scan: every value on the crashing thread's stack that points into a module, from the lowest saved stack
// address up. Values just after a call instruction are probable return addresses (the call chain); the others are
// data that happens to point into code. When the bug check names the state at the fault, a marked row shows where
// its stack pointer falls: the rows above it lie between the bug check and the fault.
import { formatBytes } from '../format';
import type { CallStack } from '../summary';
import type { Panel, ViewerContext } from '../viewer/context';
import { el } from '../views/dom';
import { cell, dataTable, emptyNote, panelPage, row, text, virtualButton } from './ui';
import { symbolOr } from './describe';

const foundText: Record<string, string> = {
  context: 'context',
  unwind: 'unwind data',
  'trap-frame': 'trap frame',
  'frame-chain': 'frame chain',
  scan: 'scan (a guess)',
};

// The call stack as WinDbg's `k`: one row per frame; a click on the call site opens its code in the hex view.
function callStackTable(context: ViewerContext, title: string, stack: CallStack, field: string): HTMLElement[] {
  const rows = stack.frames.map((f) => row([
    cell(f.number.toString(16).padStart(2, '0'), { mono: true }),
    cell(virtualButton(context, f.childSp, f.childSp, 'frameChildSp')),
    cell(f.returnAddress, { mono: true, field: 'frameReturn' }),
    cell(virtualButton(context, f.instructionPointer, f.callSite, 'frameCallSite')),
    cell(foundText[f.found] ?? f.found, { field: 'frameFound' }),
  ], { found: f.found }, f.found === 'scan' ? 'stack-other' : 'stack-return'));
  return [
    el('h3', { text: title }),
    dataTable(['#', 'Child-SP', 'RetAddr', 'Call Site', 'Found by'], rows, { className: `call-stack ${field}` }),
    el('p', { className: 'panel-intro', text: `Stopped: ${stack.stopReason}`, data: { field: `${field}Stop` } }),
  ];
}

export const stackPanel: Panel = {
  id: 'stack',
  title: 'Stack',
  available: () => true,
  render(context) {
    const { stack } = context.summary;
    const page = panelPage('stack', 'Stack', 'Values on the crashing thread\u2019s stack that point into a module. Probable return addresses, just after a call, show the chain of calls that led to the crash, most recent first.');
    const { callStack, faultCallStack } = context.summary;
    if (faultCallStack && faultCallStack.frames.length > 0) {
      page.append(...callStackTable(context, 'Call stack at the fault', faultCallStack, 'faultCallStack'));
    }
    if (callStack && callStack.frames.length > 0) {
      page.append(...callStackTable(context, faultCallStack ? 'Call stack at the bug check' : 'Call stack', callStack, 'callStack'));
    }
    page.append(el('h3', { text: 'Stack scan' }));
    const probable = stack.entries.filter((e) => e.probableReturn).length;
    page.append(el('p', { className: 'stack-range', data: { field: 'stackRange' } }, [
      text('Scanned '),
      el('span', { text: formatBytes(stack.bytesRead), data: { field: 'stackBytesRead' } }),
      text(' from '),
      virtualButton(context, stack.start, stack.start, 'stackStart'),
      text(`: ${stack.entries.length} values point into modules, ${probable} probable return addresses.`),
      ...(stack.faultingStackPointer ? [
        text(' The faulting context\u2019s stack pointer is '),
        virtualButton(context, stack.faultingStackPointer, stack.faultingStackPointer, 'stackFaultPointer'),
        text('.'),
      ] : []),
    ]));
    if (stack.entries.length === 0) {
      page.append(emptyNote(stack.bytesRead === 0 ? 'The stack could not be read from this dump.' : 'No value on the stack points into a module.'));
      return page;
    }

    const toggle = el('input', { data: { field: 'stackProbableOnly' } });
    toggle.type = 'checkbox';
    toggle.checked = true;
    toggle.id = 'stack-probable-only';
    const label = el('label', { className: 'toggle' }, [toggle, text(' Show only probable return addresses')]);

    const rows = stack.entries.map((entry) => row([
      cell(virtualButton(context, entry.stackAddress, entry.stackAddress, 'stackAddress')),
      cell(virtualButton(context, entry.value, entry.value, 'stackValue')),
      cell(symbolOr(entry.symbol, entry.module, entry.offset), { field: 'stackSymbol', mono: true }),
      cell(entry.probableReturn ? 'return address' : 'data', { field: 'stackKind' }),
    ], { probable: String(entry.probableReturn) }, entry.probableReturn ? 'stack-return' : 'stack-other'));

    const apply = () => rows.forEach((tr, i) => { tr.hidden = toggle.checked && !stack.entries[i]!.probableReturn; });
    toggle.addEventListener('change', apply);
    apply();
    const table = dataTable(['Stack address', 'Value', 'Module+offset', 'Kind'], rows, { className: 'stack-table' });
    const fault = stack.faultingStackPointer;
    if (fault) {
      // Entries below the fault's stack pointer belong to the code between the bug check and the fault.
      const at = stack.entries.findIndex((e) => BigInt(e.stackAddress) >= BigInt(fault));
      stack.entries.forEach((e, i) => { if (at < 0 || i < at) rows[i]!.classList.add('stack-before-fault'); });
      const marker = el('tr', { className: 'stack-fault-marker', data: { field: 'stackFaultMarker' } }, [
        el('td', { text: `${fault}: the stack pointer at the fault; above this line, the frames between the bug check and the fault` }),
      ]);
      marker.firstElementChild!.setAttribute('colspan', '4');
      const body = table.tBodies[0]!;
      body.insertBefore(marker, at < 0 ? null : rows[at]!);
    }
    page.append(el('div', { className: 'panel-toolbar' }, [label]), table);
    return page;
  },
};
