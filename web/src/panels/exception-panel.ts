// The exception record saved in the header: which NTSTATUS, where, and what its parameters mean.
import type { Panel } from '../viewer/context';
import { el } from '../views/dom';
import { decodeExceptionFlags, describeAccessViolation, exceptionParameterMeanings } from './exception-meaning';
import { block, cell, dataTable, emptyNote, factList, panelPage, row, symbolLabel, virtualButton } from './ui';

export const exceptionPanel: Panel = {
  id: 'exception',
  title: 'Exception',
  available: (summary) => summary.exception !== null,
  render(context) {
    const exception = context.summary.exception;
    const page = panelPage('exception', 'Exception record');
    if (!exception) {
      page.append(emptyNote('This dump holds no readable exception record.'));
      return page;
    }
    const where = context.modules.symbolize(BigInt(exception.address));
    const sentence = describeAccessViolation(exception.code, exception.parameters, where ?? exception.address);
    if (sentence) page.append(el('p', { className: 'exception-summary', text: sentence, data: { field: 'exceptionSummary' } }));

    const flags = decodeExceptionFlags(exception.flags);
    page.append(factList([
      { label: 'Code', value: [el('code', { text: exception.code, data: { field: 'exceptionCode' } }), ' ', el('span', { text: exception.name || 'unknown NTSTATUS', data: { field: 'exceptionName' } })] },
      { label: 'Flags', value: `${exception.flags}${flags.length > 0 ? ` (${flags.join(', ')})` : ''}`, field: 'exceptionFlags', mono: true },
      { label: 'Address', value: [virtualButton(context, exception.address, exception.address, 'exceptionAddress'), ' ', symbolLabel(context, exception.address, 'exceptionAddressSymbol')] },
      { label: 'Read from', value: exception.source === 'header' ? 'the dump header' : exception.source, field: 'exceptionSource' },
    ], 'exception-facts'));

    if (exception.parameters.length > 0) {
      const meanings = exceptionParameterMeanings(exception.code, exception.parameters);
      page.append(block('Parameters', [dataTable(['#', 'Value', 'Meaning', 'Points into'], exception.parameters.map((value, i) => {
        const symbol = context.modules.symbolize(BigInt(value));
        return row([
          cell(String(i), { header: true, className: 'num' }),
          cell(value, { field: `exceptionParameter${i}`, mono: true }),
          cell(meanings[i] ?? '', { field: `exceptionParameter${i}Meaning` }),
          cell(symbol ? virtualButton(context, value, symbol) : '', { className: 'symbol' }),
        ]);
      }), { className: 'exception-parameters', numeric: [0] })]));
    }
    return page;
  },
};
