// A plain-text crash report to paste into a ticket: !analyze's headline and BlueScreenView's row in a few lines.
// Stable text from the summary alone (no local time zone, no UI state), so two people get the same report.
import { formatHexSize, formatUptime, formatUtc } from './format';
import { bugcheckTitle, culpritExplanation, culpritLocation, moduleKindLabel } from './panels/describe';
import { exceptionParameterMeanings } from './panels/exception-meaning';
import { explainWarning } from './panels/warning-explanations';
import type { Summary } from './summary';
import { ModuleMap } from './viewer/module-map';
import { describeWindowsVersion } from './windows-version';

const LABEL_WIDTH = 15;

function line(label: string, value: string): string {
  return `${`${label}:`.padEnd(LABEL_WIDTH)}${value}`;
}

/** "  Parameter 1: 0x28                Memory referenced", values padded so the meanings line up. */
function parameterLines(name: string, first: number, values: readonly string[], meanings: readonly (string | null)[]): string[] {
  const width = Math.max(...values.map((v) => v.length));
  return values.map((value, i) => {
    const meaning = meanings[i];
    return `  ${name} ${first + i}: ${meaning ? `${value.padEnd(width)}  ${meaning}` : value}`;
  });
}

const KIND_ORDER = ['kernel', 'user', 'user32'];

/** "10 (7 kernel, 3 user)" */
function countsByKind(summary: Summary): string {
  const counts = new Map<string, number>();
  for (const module of summary.modules) counts.set(module.kind, (counts.get(module.kind) ?? 0) + 1);
  const order = (kind: string) => { const i = KIND_ORDER.indexOf(kind); return i < 0 ? KIND_ORDER.length : i; };
  const parts = [...counts].sort(([a], [b]) => order(a) - order(b)).map(([kind, count]) => `${count} ${moduleKindLabel(kind)}`);
  return parts.length > 0 ? `${summary.modules.length} (${parts.join(', ')})` : '0';
}

const IP_NAMES = ['rip', 'pc', 'eip'];
const SP_NAMES = ['rsp', 'sp', 'esp'];

/** "rip 0x... (nt+0x...), rsp 0x...": where a context was. */
function contextLine(registers: Record<string, string>, modules: ModuleMap): string {
  const ipName = IP_NAMES.find((n) => n in registers);
  const spName = SP_NAMES.find((n) => n in registers);
  const parts: string[] = [];
  if (ipName) {
    const ip = registers[ipName]!;
    // A 32-bit ARM pc may carry the Thumb bit: the instruction is at the address without it.
    const where = modules.symbolize(BigInt(ip) & ('r0' in registers ? ~1n : ~0n));
    parts.push(`${ipName} ${ip}${where ? ` (${where})` : ''}`);
  }
  if (spName) parts.push(`${spName} ${registers[spName]!}`);
  return parts.join(', ');
}

export function crashReport(summary: Summary, fileName: string): string {
  const { header, bugcheck, culprit, exception, stack, warnings } = summary;
  const modules = new ModuleMap(summary.modules);
  const out: string[] = [];

  out.push(`Crash report for ${fileName}`, '');
  out.push(line('Crash time', header.systemTime ? formatUtc(header.systemTime) : 'not recorded'));
  out.push(line('Uptime', formatUptime(header.systemUpTimeSeconds)));
  out.push(line('Windows', describeWindowsVersion(header.majorVersion, header.minorVersion)));
  out.push(line('Machine', `${header.machineName} (${header.machineImageType}), ${header.numberProcessors} processor${header.numberProcessors === 1 ? '' : 's'}`));
  out.push(line('Dump type', `${header.dumpTypeName} (${header.dumpType}), ${formatHexSize(header.fileSize)}`));
  out.push('');

  out.push(line('Bug check', bugcheckTitle(bugcheck)));
  if (bugcheck.description) out.push(`${' '.repeat(LABEL_WIDTH)}${bugcheck.description}`);
  out.push(...parameterLines('Parameter', 1, bugcheck.parameters, bugcheck.parameterMeanings));
  out.push('');

  if (culprit) {
    out.push(line('Culprit', culpritLocation(culprit)));
    out.push(line('Why', culpritExplanation(culprit)));
  } else if (BigInt(bugcheck.code) === 0n) {
    out.push(line('Culprit', 'none: the dump was written on request, not by a crash'));
  } else {
    out.push(line('Culprit', 'not found: no loaded module holds the blamed address'));
  }

  if (summary.context || summary.faultingContext) out.push('');
  if (summary.context) out.push(line('At bug check', contextLine(summary.context, modules)));
  if (summary.faultingContext) {
    out.push(line('At the fault', contextLine(summary.faultingContext.registers, modules)));
    out.push(`${' '.repeat(LABEL_WIDTH)}from the ${summary.faultingContext.source}`);
  }

  if (exception) {
    const where = modules.symbolize(BigInt(exception.address));
    out.push('');
    out.push(line('Exception', `${exception.name || 'unknown'} (${exception.code}) at ${exception.address}${where ? ` (${where})` : ''}, flags ${exception.flags}`));
    out.push(...parameterLines('Parameter', 0, exception.parameters, exceptionParameterMeanings(exception.code, exception.parameters)));
  }

  const triage = summary.triage;
  if (triage) {
    out.push('');
    out.push(line('Triage', `${triage.driverCount} drivers listed, ${triage.unloadedDrivers.length} unloaded, ${triage.dataBlocks.length} data blocks`));
    out.push(line('Broken driver', triage.brokenDriver ?? 'none recorded'));
  }

  const returns = stack.entries.filter((e) => e.probableReturn);
  out.push('');
  if (returns.length > 0) {
    out.push(`Stack (probable return addresses; ${stack.bytesRead} bytes scanned from ${stack.start}):`);
    const fault = stack.faultingStackPointer ? BigInt(stack.faultingStackPointer) : null;
    let marked = false;
    for (const entry of returns) {
      if (fault !== null && !marked && BigInt(entry.stackAddress) >= fault) {
        out.push(`  -- ${stack.faultingStackPointer}: the stack pointer at the fault --`);
        marked = true;
      }
      out.push(`  ${entry.stackAddress}  ${entry.value}  ${entry.module}+${entry.offset}`);
    }
  } else if (stack.bytesRead === 0) {
    out.push(line('Stack', 'not read: the dump holds no readable stack'));
  } else {
    out.push(line('Stack', `no probable return address found (${stack.bytesRead} bytes scanned)`));
  }
  out.push('');

  out.push(line('Modules', countsByKind(summary)));
  if (warnings.length === 0) {
    out.push(line('Warnings', 'none'));
  } else {
    out.push('Warnings:');
    for (const warning of warnings) out.push(`  ${warning.code}: ${explainWarning(warning.code)}`, `    ${warning.message}`);
  }
  out.push('', `Generated by kdmpview ${summary.tool.version}`);
  return `${out.join('\n')}\n`;
}
