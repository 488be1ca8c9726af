// Short texts shared by the panels and the plain-text report, so the screen and a ticket say the same thing.
import type { Bugcheck, Culprit, Hex, SummaryModule } from '../summary';

/** "DRIVER_IRQL_NOT_LESS_OR_EQUAL (0xd1)"; "Unknown bug check (0x1234)" when the code has no name. */
export function bugcheckTitle(bugcheck: Bugcheck): string {
  return `${bugcheck.name || 'Unknown bug check'} (${bugcheck.code})`;
}

/** "baddrv.sys+0xabcd (0xfffff8031234abcd)" */
export function culpritLocation(culprit: Culprit): string {
  return `${culprit.module}+${culprit.offset} (${culprit.address})`;
}

/** Why the culprit is blamed, as a sentence: "The bug check 0xD1 parameter 4 (...) points inside baddrv.sys." */
export function culpritExplanation(culprit: Culprit): string {
  const reason = culprit.reason.trim();
  // The stack rule's reason is already a full explanation ("... baddrv.sys is the first other module on the stack").
  if (reason.includes(';')) return `${reason.charAt(0).toUpperCase()}${reason.slice(1)}.`;
  return `The ${reason.replace(/^the /i, '')} points inside ${culprit.module}.`;
}

/** A PE TimeDateStamp (seconds since 1970, UTC) as "2022-01-19 23:45:55 UTC" (without " UTC" when the column says
 *  so); "not set" for 0. */
export function formatPeTimestamp(timestamp: Hex, withZone = true): string {
  const seconds = Number(BigInt(timestamp));
  if (seconds === 0) return 'not set';
  return new Date(seconds * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, withZone ? ' UTC' : '');
}

/** "kernel", "user", "user (32-bit)": kdmp::module_kind_name in words. */
export function moduleKindLabel(kind: string): string {
  return kind === 'user32' ? 'user (32-bit)' : kind;
}

/** Windows NT 3.1 shipped in 1993: an image "linked" before it, or after the crash, carries no time. */
const EARLIEST_LINK = Date.UTC(1993, 0, 1) / 1000;

/** What a module's TimeDateStamp says. A reproducible build (the REPRO debug entry, `reproducible`) stores a hash of
 *  the image's content there, not a time; without that flag, a "time" before 1993 or after the crash (or after now)
 *  is flagged as probably such a hash. `crashTime`: the dump's SystemTime (ISO 8601), when known. */
export function describeLinkTime(module: Pick<SummaryModule, 'timestamp' | 'reproducible'>, crashTime: string | null, withZone = true): { text: string; hash: 'yes' | 'maybe' | 'no' } {
  if (module.reproducible) return { text: `${module.timestamp} (a content hash: reproducible build, no link time)`, hash: 'yes' };
  const date = formatPeTimestamp(module.timestamp, withZone);
  const seconds = Number(BigInt(module.timestamp));
  if (seconds === 0) return { text: date, hash: 'no' };
  const latest = (crashTime ? Date.parse(crashTime) : Date.now()) / 1000;
  if (seconds < EARLIEST_LINK || (Number.isFinite(latest) && seconds > latest + 86_400)) {
    return { text: `${date} (${seconds < EARLIEST_LINK ? 'before Windows NT' : 'after the crash'}: may be a content hash of a reproducible build)`, hash: 'maybe' };
  }
  return { text: date, hash: 'no' };
}
