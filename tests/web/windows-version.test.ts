import { describe, expect, it } from 'vitest';
import { buildKind, describeWindowsVersion, windowsReleaseName } from '../../web/src/windows-version';

describe('windowsReleaseName', () => {
  it.each([
    [7600, 'Windows 7 / Server 2008 R2'],
    [7601, 'Windows 7 SP1 / Server 2008 R2 SP1'],
    [9200, 'Windows 8 / Server 2012'],
    [9600, 'Windows 8.1 / Server 2012 R2'],
    [10240, 'Windows 10 1507'],
    [14393, 'Windows 10 1607 / Server 2016'],
    [17763, 'Windows 10 1809 / Server 2019'],
    [19041, 'Windows 10 2004'],
    [19045, 'Windows 10 22H2'],
    [20348, 'Windows Server 2022'],
    [22000, 'Windows 11 21H2'],
    [22631, 'Windows 11 23H2'],
    [26100, 'Windows 11 24H2 / Server 2025'],
    [26200, 'Windows 11 25H2'],
  ])('names build %i "%s"', (build, name) => {
    expect(windowsReleaseName(build)).toBe(name);
  });

  it('says the number of a build it does not know', () => {
    expect(windowsReleaseName(12345)).toBe('Windows build 12345');
  });
});

describe('describeWindowsVersion', () => {
  it('reads MajorVersion as free (0xF) or checked (0xC)', () => {
    expect(buildKind(0xf)).toBe('free');
    expect(buildKind(0xc)).toBe('checked');
    expect(buildKind(6)).toBeNull();
  });

  it('names the release with its build, and a checked build as such', () => {
    expect(describeWindowsVersion(0xf, 19041)).toBe('Windows 10 2004 (build 19041)');
    expect(describeWindowsVersion(0xc, 7601)).toBe('Windows 7 SP1 / Server 2008 R2 SP1 (build 7601, checked build)');
    expect(describeWindowsVersion(6, 17763)).toBe('Windows 10 1809 / Server 2019 (build 17763, MajorVersion 0x6)');
  });

  it('does not repeat the number of an unknown build', () => {
    expect(describeWindowsVersion(0xf, 12345)).toBe('Windows build 12345');
    expect(describeWindowsVersion(0xc, 12345)).toBe('Windows build 12345 (checked build)');
  });
});
