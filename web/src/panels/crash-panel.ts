// "What crashed": the first screen, for someone looking at a blue screen for the first time. The bug check in words,
// the driver blamed and why, the parameters with their meanings, when and on what the crash happened, and the
// dump's problems in plain words.
import { codeArchOf } from '../disasm/disassembler';
import { bytesFromHex } from '../disasm/listing';
import { disassemblyElement } from '../disasm/code-view';
import { formatHexSize, formatLocal, formatUptime, formatUtc } from '../format';
import type { Summary } from '../summary';
import type { Panel, ViewerContext } from '../viewer/context';
import { el } from '../views/dom';
import { describeWindowsVersion } from '../windows-version';
import { culpritExplanation, culpritLocation, describeLinkTime } from './describe';
import { describeAccessViolation, statusName } from './exception-meaning';
import { block, type Fact, factList, panelPage, text, virtualButton } from './ui';
import { explainWarning } from './warning-explanations';

function headline(summary: Summary): HTMLElement {
  const { bugcheck } = summary;
  const title = el('h3', { className: 'crash-title' }, [
    el('span', { text: bugcheck.name || 'Unknown bug check', data: { field: 'bugcheckName' } }),
    text(' ('),
    el('span', { className: 'mono', text: bugcheck.code, data: { field: 'bugcheckCode' } }),
    text(')'),
  ]);
  return el('header', { className: 'crash-headline' }, [
    el('p', { className: 'crash-kicker', text: BigInt(bugcheck.code) === 0n ? 'Windows did not stop: no bug check' : 'Windows stopped with the bug check' }),
    title,
    el('p', { className: 'crash-description', text: bugcheck.description || 'Microsoft documents no description for this bug check code.', data: { field: 'bugcheckDescription' } }),
  ]);
}

function culpritBlock(context: ViewerContext): HTMLElement {
  const culprit = context.summary.culprit;
  if (!culprit && BigInt(context.summary.bugcheck.code) === 0n) {
    // Bug check 0: nothing crashed, so nothing is blamed.
    return block('Probably caused by', [
      el('p', { className: 'crash-culprit-name', text: 'nothing: the dump was written on request', data: { field: 'culpritModule' } }),
      el('p', { className: 'panel-intro', text: 'A debugger (.dump) or a live dump wrote this file while Windows kept running; no driver is blamed.' }),
    ], 'crash-culprit crash-culprit-none');
  }
  if (!culprit) {
    return block('Probably caused by', [
      el('p', { className: 'crash-culprit-name', text: 'not found: no loaded module holds the blamed address', data: { field: 'culpritModule' } }),
      el('p', { className: 'panel-intro', text: `The bug check parameters, the exception and the instruction pointer all point outside the modules this dump lists.${context.summary.stack.entries.length > 0 ? ' The Stack tab shows the drivers found on the stack.' : ''}` }),
    ], 'crash-culprit crash-culprit-none');
  }
  const module = context.modules.byName(culprit.module);
  const facts: Fact[] = [
    { label: 'Address', value: virtualButton(context, culprit.address, culpritLocation(culprit), 'culpritAddress') },
    { label: 'Why', value: culpritExplanation(culprit), field: 'culpritReason' },
  ];
  if (module) {
    facts.push({ label: 'File', value: module.path || module.name, field: 'culpritPath' });
    facts.push({ label: 'Linked', value: describeLinkTime(module, context.summary.header.systemTime).text, field: 'culpritTimestamp' });
  }
  const analysis = context.summary.analysis;
  if (analysis?.symbolName) facts.unshift({ label: 'Symbol', value: analysis.symbolName, field: 'analysisSymbol' });
  if (analysis?.failureBucket) facts.unshift({ label: 'Failure bucket', value: analysis.failureBucket, field: 'analysisBucket' });
  return block('Probably caused by', [
    el('p', { className: 'crash-culprit-name', text: culprit.module, data: { field: 'culpritModule' } }),
    factList(facts),
  ], 'crash-culprit');
}

/** IRQL names as WinDbg prints them (x64 and ARM64 use 15 for HIGH_LEVEL, x86 31). */
export function irqlName(irql: number, machineName: string): string {
  const names: Record<number, string> = { 0: 'PASSIVE_LEVEL', 1: 'APC_LEVEL', 2: 'DISPATCH_LEVEL' };
  if (names[irql]) return names[irql]!;
  if (machineName === 'x86') return irql === 31 ? 'HIGH_LEVEL' : irql === 28 ? 'CLOCK2_LEVEL' : 'device IRQL';
  return irql === 15 ? 'HIGH_LEVEL' : irql === 14 ? 'IPI_LEVEL' : irql === 13 ? 'CLOCK_LEVEL' : 'device IRQL';
}

/** Which process, thread, processor and IRQL were running when the system crashed. */
function runningBlock(context: ViewerContext): HTMLElement | null {
  const { crashingProcess: process, crashingThread: thread, header } = context.summary;
  if (!process && !thread) return null;
  const facts: Fact[] = [];
  if (process) {
    const name = process.name || 'unknown name';
    const pid = process.pid === null ? '' : ` (PID ${process.pid}, 0x${process.pid.toString(16)})`;
    facts.push({ label: 'Process', value: `${name}${pid}`, field: 'crashingProcess' });
  }
  if (thread) {
    const tid = thread.tid === null ? 'unknown ID' : `TID ${thread.tid} (0x${thread.tid.toString(16)})`;
    facts.push({ label: 'Thread', value: [virtualButton(context, thread.address, tid, 'crashingThread')] });
    facts.push({ label: 'Processor', value: thread.cpu === null ? 'unknown' : `CPU ${thread.cpu}`, field: 'crashingCpu' });
    const irql = thread.irql === null ? 'unknown' : `${thread.irql} (${irqlName(thread.irql, header.machineName)})`;
    facts.push({ label: 'IRQL', value: irql, field: 'crashingIrql' });
  }
  return block('Running when it crashed', [factList(facts)], 'crash-running');
}

/** The faulting instruction disassembled with a few around it, as !analyze -v shows it, when the dump holds the code
 *  (analysis.code). The disassembler loads after the rest of the screen is shown. */
function faultingCodeBlock(context: ViewerContext): HTMLElement | null {
  const { analysis, header } = context.summary;
  const code = analysis?.code;
  const arch = codeArchOf(header.machineImageType);
  const bytes = code ? bytesFromHex(code.bytes) : null;
  if (!code || !arch || !bytes) return null;
  const holder = el('div', { className: 'crash-code-listing' }, [el('p', { className: 'panel-intro', text: 'Disassembling\u2026' })]);
  void disassemblyElement({
    arch, bytes, start: BigInt(code.address), target: BigInt(code.instruction), before: 4, after: 5,
    symbolize: (addresses) => context.dump.symbolize(addresses), field: 'faultingCode',
  }).then((listing) => holder.replaceChildren(listing));
  const where = analysis?.symbolName ?? code.instruction;
  return block('Faulting instruction', [
    el('p', { className: 'mono crash-code-where', text: `${where}:`, data: { field: 'faultingCodeSymbol' } }),
    holder,
  ], 'crash-code');
}

function warningsBlock(summary: Summary): HTMLElement | null {
  if (summary.warnings.length === 0) return null;
  const items = summary.warnings.map((w) => el('li', { data: { code: w.code } }, [
    el('p', { className: 'warning-text', text: explainWarning(w.code), data: { field: 'warningText' } }),
    el('p', { className: 'warning-detail' }, [
      el('code', { className: 'warning-code', text: w.code, data: { field: 'warningCode' } }),
      el('span', { text: w.message, data: { field: 'warningMessage' } }),
    ]),
  ]));
  const heading = summary.warnings.length === 1 ? 'This dump has a problem' : `This dump has ${summary.warnings.length} problems`;
  const section = block(heading, [el('ul', { className: 'crash-warnings-list' }, items)], 'crash-warnings');
  section.setAttribute('role', 'note');
  return section;
}

function parametersBlock(context: ViewerContext): HTMLElement {
  const { bugcheck } = context.summary;
  const list = el('dl', { className: 'bugcheck-parameters' }, bugcheck.parameters.flatMap((value, i) => {
    const meaning = bugcheck.parameterMeanings?.[i];
    const n = i + 1;
    const symbol = context.modules.symbolize(BigInt(value));
    return [
      el('dt', { text: `Parameter ${n}` }),
      el('dd', { className: 'parameter-value', data: { field: `bugcheckParameter${n}` } }, [
        el('code', { text: value, data: { field: `bugcheckParameter${n}Value` } }),
        // The meaning in parentheses: what Microsoft documents the parameter to be for this code; an exception code
        // by its NTSTATUS name.
        ...(meaning ? [el('span', { className: 'parameter-meaning', text: ` (${parameterMeaning(meaning, value, context)})` })] : []),
      ]),
      el('dd', { className: 'parameter-symbol' }, symbol ? [virtualButton(context, value, symbol, `bugcheckParameter${n}Symbol`)] : []),
    ];
  }));
  const known = bugcheck.parameterMeanings?.some((m) => m !== null);
  return block('Bug check parameters', known ? [list] : [list, el('p', { className: 'panel-intro', text: 'The meaning of these parameters is not documented for this bug check.' })], 'crash-parameters');
}

/** "Exception code: STATUS_ACCESS_VIOLATION" for a parameter documented as an exception code. */
function parameterMeaning(meaning: string, value: string, context: ViewerContext): string {
  if (!/exception code/i.test(meaning)) return meaning;
  const name = statusName(value as `0x${string}`, context.summary.exception);
  return name ? `${meaning}: ${name}` : meaning;
}

/** The exception on the first screen: its NTSTATUS by name and, for an access violation, what was accessed. */
function exceptionBlock(context: ViewerContext): HTMLElement | null {
  const exception = context.summary.exception;
  if (!exception) return null;
  const where = context.modules.symbolize(BigInt(exception.address)) ?? exception.address;
  const sentence = describeAccessViolation(exception.code, exception.parameters, where);
  const more = el('button', { className: 'link-button', text: 'The exception record…' });
  more.type = 'button';
  more.addEventListener('click', () => context.showPanel('exception'));
  // One paragraph: the first screen has more to show below it.
  return block('Exception', [
    el('p', { className: 'crash-exception-text' }, [
      el('strong', { text: exception.name || 'unknown NTSTATUS', data: { field: 'crashExceptionName' } }),
      text(' ('),
      el('span', { className: 'mono', text: exception.code }),
      text(')'),
      ...(sentence ? [text(': '), el('span', { text: sentence, data: { field: 'crashExceptionSummary' } })] : []),
      text(' '),
      more,
    ]),
  ], 'crash-exception');
}

function whenAndWhere(summary: Summary): HTMLElement {
  const { header } = summary;
  const time = header.systemTime;
  return block('When and on what', [factList([
    { label: 'Crash time (UTC)', value: time ? formatUtc(time) : 'not recorded', field: 'systemTimeUtc' },
    { label: 'Your local time', value: time ? formatLocal(time) : 'not recorded', field: 'systemTimeLocal' },
    { label: 'Up for', value: formatUptime(header.systemUpTimeSeconds), field: 'uptime' },
    { label: 'Windows', value: describeWindowsVersion(header.majorVersion, header.minorVersion), field: 'windowsVersion' },
    { label: 'Machine', value: `${header.machineName} (${header.machineImageType})`, field: 'machine' },
    { label: 'Processors', value: String(header.numberProcessors), field: 'numberProcessors' },
    { label: 'Dump type', value: `${header.dumpTypeName} (${header.dumpType})`, field: 'dumpType' },
    { label: 'File size', value: formatHexSize(header.fileSize), field: 'fileSize' },
  ])], 'crash-when');
}

/** The kernel's bookkeeping addresses a debugger user looks for; folded away for everyone else. */
function moreDetails(summary: Summary): HTMLElement {
  const { header } = summary;
  const facts: Fact[] = [
    { label: 'Signature', value: header.signature, field: 'signature', mono: true },
    { label: 'DirectoryTableBase', value: header.directoryTableBase, field: 'directoryTableBase', mono: true },
    { label: 'PfnDataBase', value: header.pfnDatabase, field: 'pfnDatabase', mono: true },
    { label: 'PsLoadedModuleList', value: header.psLoadedModuleList, field: 'psLoadedModuleList', mono: true },
    { label: 'PsActiveProcessHead', value: header.psActiveProcessHead, field: 'psActiveProcessHead', mono: true },
    { label: 'KdDebuggerDataBlock', value: header.kdDebuggerDataBlock, field: 'kdDebuggerDataBlock', mono: true },
    { label: 'Required dump space', value: formatHexSize(header.requiredDumpSpace), field: 'requiredDumpSpace' },
  ];
  if (header.paeEnabled !== undefined) facts.push({ label: 'PAE', value: header.paeEnabled ? 'enabled' : 'disabled', field: 'paeEnabled' });
  if (header.comment) facts.push({ label: 'Comment', value: header.comment, field: 'comment' });
  return el('details', { className: 'panel-block crash-more' }, [el('summary', { text: 'More about this dump' }), factList(facts)]);
}

export const crashPanel: Panel = {
  id: 'crash',
  title: 'What crashed',
  available: () => true,
  render(context) {
    // The tab already says "What crashed"; the heading stays for screen readers.
    const page = panelPage('crash', 'What crashed', undefined, { hideHeading: true });
    const warnings = warningsBlock(context.summary);
    const running = runningBlock(context);
    page.append(
      headline(context.summary),
      culpritBlock(context),
      ...[faultingCodeBlock(context)].filter((b): b is HTMLElement => b !== null),
      ...(running ? [running] : []),
      ...[exceptionBlock(context)].filter((b): b is HTMLElement => b !== null),
      ...(warnings ? [warnings] : []),
      el('div', { className: 'crash-columns' }, [parametersBlock(context), whenAndWhere(context.summary)]),
      moreDetails(context.summary),
    );
    return page;
  },
};
