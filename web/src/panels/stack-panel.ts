// The stack scan: every value on the crashing thread's stack that points into a module, from the lowest saved stack
// address up. Values just after a call instruction are probable return addresses (the call chain); the others are
// data that happens to point into code. When the bug check names the state at the fault, a marked row shows where
// its stack pointer falls: the rows above it lie between the bug check and the fault.
import { codeArchOf } from '../disasm/disassembler';
import { disassemble, readCodeAround } from '../disasm/code-view';
import { formatBytes } from '../format';
import type { CallStack, StackFrame } from '../summary';
import type { Panel, ViewerContext } from '../viewer/context';
import { el } from '../views/dom';
import { cell, dataTable, emptyNote, hexButton, panelPage, row, text, virtualButton } from './ui';
import { symbolOr } from './describe';

const foundText: Record<string, string> = {
  context: 'context',
  unwind: 'unwind data',
  'trap-frame': 'trap frame',
  'frame-chain': 'frame chain',
  scan: 'scan (a guess)',
};

/** Whether a frame's instruction pointer is a return address (its call is the instruction before it), rather than
 *  the instruction that was running (the context's, or the one a trap frame interrupted). */
function isReturn(frame: StackFrame): boolean {
  return frame.found !== 'context' && frame.found !== 'trap-frame';
}

/** Bytes of code read before and after a frame's instruction pointer for its listing. */
const CODE_BEFORE = 48;
const CODE_AFTER = 32;

// A frame's code under the call-stack tables: the call (or the running instruction) marked among its neighbours,
// and a button to its bytes in the hex view.
async function frameCode(context: ViewerContext, frame: StackFrame, holder: HTMLElement): Promise<void> {
  const ip = BigInt(frame.instructionPointer);
  const title = el('h4', { className: 'stack-code-title', data: { field: 'stackCodeTitle' } }, [
    text(`Frame ${frame.number.toString(16).padStart(2, '0')}: ${frame.callSite}`),
  ]);
  const body = el('div', { className: 'stack-code-listing' }, [el('p', { className: 'panel-intro', text: 'Disassembling\u2026' })]);
  holder.replaceChildren(title, body);
  holder.hidden = false;
  const arch = codeArchOf(context.summary.header.machineImageType);
  const code = arch ? await readCodeAround(context.dump, ip, CODE_BEFORE, CODE_AFTER) : null;
  if (holder.dataset['frame'] !== String(frame.number)) return;  // another frame was clicked meanwhile
  if (!arch || !code) {
    body.replaceChildren(emptyNote(arch ? `The dump does not hold the code at ${frame.instructionPointer}.` : 'This machine\u2019s code is not disassembled.', 'stackCodeError'));
    return;
  }
  const result = await disassemble({
    arch, bytes: code.bytes, start: code.start, target: ip, before: 6, after: 4, markCall: isReturn(frame),
    symbolize: (addresses) => context.dump.symbolize(addresses), field: 'stackCode',
  });
  if (holder.dataset['frame'] !== String(frame.number)) return;
  const current = result.current;
  const at = current ? current.address : ip;
  const hex = hexButton(context, { space: 'virtual', address: at, disassembly: true, ...(current ? { length: current.bytes.length } : {}) },
    isReturn(frame) ? 'Show the call in the hex view' : 'Show the instruction in the hex view', 'stackCodeHex');
  body.replaceChildren(result.element, el('p', {}, [hex]));
}

// The call stack as WinDbg's `k`: one row per frame; a click on the call site opens its code in the hex view (the
// disassembly pane open), the Code button its disassembly under the table.
function callStackTable(context: ViewerContext, title: string, stack: CallStack, field: string): HTMLElement[] {
  const holder = el('section', { className: 'stack-code', data: { field: `${field}Code` } });
  holder.hidden = true;
  holder.setAttribute('aria-live', 'polite');
  const rows = stack.frames.map((f) => {
    const show = el('button', { className: 'link-button', text: 'Code', data: { field: 'frameCode' } });
    show.type = 'button';
    show.title = `Disassemble frame ${f.number.toString(16).padStart(2, '0')} (${f.callSite})`;
    show.addEventListener('click', () => {
      holder.dataset['frame'] = String(f.number);
      void frameCode(context, f, holder);
    });
    return row([
      cell(f.number.toString(16).padStart(2, '0'), { mono: true, field: 'frameNumber' }),
      cell(virtualButton(context, f.childSp, f.childSp, 'frameChildSp')),
      cell(f.returnAddress, { mono: true, field: 'frameReturn' }),
      // The call site opens its code in the hex view with the disassembly pane beside it.
      cell(hexButton(context, { space: 'virtual', address: BigInt(f.instructionPointer), disassembly: true }, f.callSite, 'frameCallSite')),
      cell(foundText[f.found] ?? f.found, { field: 'frameFound' }),
      cell(show),
    ], { found: f.found }, f.found === 'scan' ? 'stack-other' : 'stack-return');
  });
  return [
    el('h3', { text: title }),
    dataTable(['#', 'Child-SP', 'RetAddr', 'Call Site', 'Found by', 'Code'], rows, { className: `call-stack ${field}` }),
    el('p', { className: 'panel-intro', text: `Stopped: ${stack.stopReason}`, data: { field: `${field}Stop` } }),
    holder,
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
