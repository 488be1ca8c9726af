// The Windows release a dump comes from. The dump header only holds the build number (MinorVersion) and whether the
// kernel was a free or checked build (MajorVersion 0xF or 0xC); the release names come from Microsoft's release
// history. Client and server releases built from the same sources share a build number, so both are named.

/** Release names by build number. */
const RELEASES: ReadonlyMap<number, string> = new Map([
  [2600, 'Windows XP'],
  [3790, 'Windows XP x64 / Server 2003'],
  [6000, 'Windows Vista'],
  [6001, 'Windows Vista SP1 / Server 2008'],
  [6002, 'Windows Vista SP2 / Server 2008 SP2'],
  [7600, 'Windows 7 / Server 2008 R2'],
  [7601, 'Windows 7 SP1 / Server 2008 R2 SP1'],
  [9200, 'Windows 8 / Server 2012'],
  [9600, 'Windows 8.1 / Server 2012 R2'],
  [10240, 'Windows 10 1507'],
  [10586, 'Windows 10 1511'],
  [14393, 'Windows 10 1607 / Server 2016'],
  [15063, 'Windows 10 1703'],
  [16299, 'Windows 10 1709'],
  [17134, 'Windows 10 1803'],
  [17763, 'Windows 10 1809 / Server 2019'],
  [18362, 'Windows 10 1903'],
  [18363, 'Windows 10 1909'],
  [19041, 'Windows 10 2004'],
  [19042, 'Windows 10 20H2'],
  [19043, 'Windows 10 21H1'],
  [19044, 'Windows 10 21H2'],
  [19045, 'Windows 10 22H2'],
  [20348, 'Windows Server 2022'],
  [22000, 'Windows 11 21H2'],
  [22621, 'Windows 11 22H2'],
  [22631, 'Windows 11 23H2'],
  [26100, 'Windows 11 24H2 / Server 2025'],
  [26200, 'Windows 11 25H2'],
]);

/** "Windows 10 2004" for 19041; "Windows build 12345" for a build not in the table. */
export function windowsReleaseName(build: number): string {
  return RELEASES.get(build) ?? `Windows build ${build}`;
}

/** MajorVersion: 0xF for a free (retail) kernel, 0xC for a checked (debug) one. */
export function buildKind(majorVersion: number): 'free' | 'checked' | null {
  return majorVersion === 0xf ? 'free' : majorVersion === 0xc ? 'checked' : null;
}

/** "Windows 10 2004 (build 19041)", with ", checked build" or ", MajorVersion 0x..." when it is not a free build. */
export function describeWindowsVersion(majorVersion: number, minorVersion: number): string {
  const kind = buildKind(majorVersion);
  const suffix = kind === 'free' ? '' : kind === 'checked' ? ', checked build' : `, MajorVersion 0x${majorVersion.toString(16)}`;
  const name = windowsReleaseName(minorVersion);
  // An unknown build already says its number.
  return RELEASES.has(minorVersion) ? `${name} (build ${minorVersion}${suffix})` : suffix ? `${name} (${suffix.slice(2)})` : name;
}
