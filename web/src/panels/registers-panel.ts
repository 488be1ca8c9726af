// The crashing processor's registers (the CONTEXT record saved in the header), grouped and in a debugger's order.
// A register pointing into a module shows module+offset; a value that can be an address opens virtual memory there.
import type { Hex } from '../summary';
import type { Panel, ViewerContext } from '../viewer/context';
import { el } from '../views/dom';
import { architectureOf, describeFlags, type RegisterGroup, registerGroups } from './registers';
import { block, cell, dataTable, emptyNote, panelPage, row, virtualButton } from './ui';

const ARCHITECTURE_NAMES = { x64: 'x64', arm64: 'ARM64', x86: 'x86' } as const;

/** Below this a value is a count or a small constant, never a mapped address: no button to memory. */
const LOWEST_ADDRESS = 0x10000n;

function valueCell(context: ViewerContext, group: RegisterGroup, name: string, value: Hex): HTMLTableCellElement {
  const field = `register-${name}`;
  if (group.pointers && BigInt(value) >= LOWEST_ADDRESS) return cell(virtualButton(context, value, value, field));
  return cell(el('code', { text: value, data: { field } }));
}

/** module+offset for pointers, the decoded bits for a flags register. */
function noteCell(context: ViewerContext, group: RegisterGroup, name: string, value: Hex): HTMLTableCellElement {
  const flags = describeFlags(name, value);
  if (flags) return cell(flags, { field: `register-${name}-flags`, mono: true });
  const symbol = group.pointers ? context.modules.symbolize(BigInt(value)) : null;
  return cell(symbol ?? '', { field: `register-${name}-symbol`, className: 'symbol' });
}

export const registersPanel: Panel = {
  id: 'registers',
  title: 'Registers',
  available: (summary) => summary.context !== null,
  render(context) {
    const registers = context.summary.context;
    const page = panelPage('registers', 'Registers');
    if (!registers) {
      page.append(emptyNote('This dump holds no readable context record for the crashing processor.'));
      return page;
    }
    const architecture = architectureOf(registers);
    page.append(el('p', { className: 'panel-intro', text: `The crashing processor's registers${architecture ? ` (${ARCHITECTURE_NAMES[architecture]})` : ''}, as saved in the dump's context record. Click a value to see the memory it points to.` }));
    const groups = el('div', { className: 'register-groups' }, registerGroups(registers).map((group) =>
      block(group.title, [dataTable(['Register', 'Value', group.title === 'Flags' ? 'Set' : 'Points into'],
        group.registers.map(({ name, value }) => row([
          cell(name, { header: true, mono: true }),
          valueCell(context, group, name, value),
          noteCell(context, group, name, value),
        ], { register: name })), { className: 'register-table' })], 'register-group')));
    page.append(groups);
    return page;
  },
};
