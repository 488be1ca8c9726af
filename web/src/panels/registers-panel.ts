// The crashing processor's registers, grouped and in a debugger's order. "At the bug check" is the dump header's
// CONTEXT, always; "At the fault", beside it, is the state the bug check points to (a CONTEXT record or a trap frame),
// when there is one. A register pointing into a module shows module!function+0xoff when the dump's symbols name it
// (else module+offset); a value that can be an address opens virtual memory there.
import type { FaultingContext, Hex } from '../summary';
import type { Panel, ViewerContext } from '../viewer/context';
import { el } from '../views/dom';
import { MAX_SYMBOL } from '../viewer/symbol-names';
import { type Architecture, architectureOf, codeAddress, describeFlags, type RegisterGroup, registerGroups } from './registers';
import { block, cell, dataTable, emptyNote, panelPage, row, virtualButton } from './ui';

const ARCHITECTURE_NAMES: Record<Architecture, string> = { x64: 'x64', arm64: 'ARM64', x86: 'x86', arm: 'ARM' };

/** Below this a value is a count or a small constant, never a mapped address: no button to memory. */
const LOWEST_ADDRESS = 0x10000n;

/** The names of the pointer registers' values (asked of the worker at once), by code address. */
async function registerNames(context: ViewerContext, contexts: (Record<string, Hex> | null | undefined)[]): Promise<Map<bigint, string | null>> {
  const addresses = contexts.flatMap((registers) => {
    if (!registers) return [];
    const architecture = architectureOf(registers);
    return registerGroups(registers).filter((g) => g.pointers)
      .flatMap((g) => g.registers.map(({ value }) => codeAddress(BigInt(value), architecture)));
  });
  const names = await context.symbols.names(addresses);
  return new Map(addresses.map((a, i) => [a, names[i]!]));
}

/** One table of registers: `prefix` keeps the two tables' data-field names apart ("register-rip", "fault-register-rip"). */
function registerTables(context: ViewerContext, registers: Record<string, Hex>, prefix: string, names: Map<bigint, string | null>): HTMLElement {
  const architecture = architectureOf(registers);
  const valueCell = (group: RegisterGroup, name: string, value: Hex) => {
    const field = `${prefix}-${name}`;
    if (group.pointers && BigInt(value) >= LOWEST_ADDRESS) return cell(virtualButton(context, value, value, field));
    return cell(el('code', { text: value, data: { field } }));
  };
  // module+offset for pointers (a Thumb address without its bit 0), the decoded bits for a flags register.
  const noteCell = (group: RegisterGroup, name: string, value: Hex) => {
    const flags = describeFlags(name, value, architecture);
    if (flags) return cell(flags, { field: `${prefix}-${name}-flags`, mono: true });
    const symbol = group.pointers ? names.get(codeAddress(BigInt(value), architecture)) ?? null : null;
    return cell(symbol ? el('span', { text: symbol, cap: { max: MAX_SYMBOL, at: 'middle' } }) : '', { field: `${prefix}-${name}-symbol`, className: 'symbol' });
  };
  return el('div', { className: 'register-groups' }, registerGroups(registers).map((group) =>
    block(group.title, [dataTable(['Register', 'Value', group.title === 'Flags' ? 'Set' : 'Points into'],
      group.registers.map(({ name, value }) => row([
        cell(name, { header: true, mono: true }),
        valueCell(group, name, value),
        noteCell(group, name, value),
      ], { register: name })), { className: 'register-table' })], 'register-group')));
}

function faultColumn(context: ViewerContext, fault: FaultingContext, names: Map<bigint, string | null>): HTMLElement {
  return el('section', { className: 'register-context register-context-fault', data: { context: 'fault' } }, [
    el('h3', { text: 'At the fault' }),
    el('p', { className: 'panel-intro' }, [
      el('span', { text: 'From the ' }),
      el('span', { className: 'register-source', text: fault.source, data: { field: 'faultingContextSource' } }),
      el('span', { text: ', read at ' }),
      virtualButton(context, fault.address, fault.address, 'faultingContextAddress'),
      el('span', { text: fault.source.endsWith('(trap frame)') ? '. A trap frame keeps only some of the registers.' : '.' }),
    ]),
    registerTables(context, fault.registers, 'fault-register', names),
  ]);
}

export const registersPanel: Panel = {
  id: 'registers',
  title: 'Registers',
  available: (summary) => summary.context !== null || summary.faultingContext !== null,
  async render(context) {
    const { context: registers, faultingContext } = context.summary;
    const names = await registerNames(context, [registers, faultingContext?.registers]);
    const page = panelPage('registers', 'Registers');
    const architecture = architectureOf(registers ?? faultingContext?.registers ?? {});
    page.append(el('p', { className: 'panel-intro', text: `The crashing processor's registers${architecture ? ` (${ARCHITECTURE_NAMES[architecture]})` : ''}: at the bug check, as saved in the dump header's context record${faultingContext ? ', and at the fault the bug check points to' : ''}. Click a value to see the memory it points to.` }));
    const atBugcheck = el('section', { className: 'register-context', data: { context: 'bugcheck' } }, [
      el('h3', { text: 'At the bug check' }),
      registers ? registerTables(context, registers, 'register', names)
        : emptyNote('This dump holds no readable context record for the crashing processor.'),
    ]);
    const columns = [atBugcheck];
    if (faultingContext) columns.push(faultColumn(context, faultingContext, names));
    page.append(el('div', { className: `register-contexts${faultingContext ? ' register-contexts-two' : ''}` }, columns));
    return page;
  },
};
