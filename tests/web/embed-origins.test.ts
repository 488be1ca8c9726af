// web/src/embed/origins.ts: the iframe mode's allow-list (embed-config.json), origin matching, where 'ready' goes,
// and the same-origin rule for URLs.
import { describe, expect, it } from 'vitest';
import { isOriginAllowed, parseEmbedConfig, parseOriginRule, readyTargets, sameOriginUrl } from '../../web/src/embed/origins';

const OWN = 'https://viewer.example';

describe('allow-list entries', () => {
  it('normalizes exact origins the way browsers spell MessageEvent.origin', () => {
    expect(parseOriginRule('https://portal.example')).toEqual({ kind: 'exact', origin: 'https://portal.example' });
    expect(parseOriginRule('HTTPS://Portal.Example:443/')).toEqual({ kind: 'exact', origin: 'https://portal.example' });
    expect(parseOriginRule('http://127.0.0.1:8080')).toEqual({ kind: 'exact', origin: 'http://127.0.0.1:8080' });
  });

  it('reads "*.domain" as every subdomain of that domain, same scheme and port', () => {
    expect(parseOriginRule('https://*.corp.example')).toEqual({ kind: 'subdomains', protocol: 'https:', domain: 'corp.example', port: '' });
    expect(parseOriginRule('http://*.Corp.Example:8443')).toEqual({ kind: 'subdomains', protocol: 'http:', domain: 'corp.example', port: '8443' });
  });

  it.each([
    ['https://portal.example/path', /leave out the path/],
    ['https://portal.example?x=1', /leave out the path/],
    ['https://user@portal.example', /credentials/],
    ['portal.example', /not an origin/],
    ['ftp://portal.example', /only http: and https:/],
    ['https://*', /at least two labels|"\*"/],
    ['https://*.com', /at least two labels/],
    ['https://a.*.example.com', /first label/],
    ['https://*.*.example.com', /first label/],
    ['*', /first label/],
    ['null', /not an origin/],
  ])('refuses %s', (entry, why) => {
    const rule = parseOriginRule(entry);
    expect(rule).toHaveProperty('problem');
    expect((rule as { problem: string }).problem).toMatch(why);
  });
});

describe('embed-config.json', () => {
  it('always allows the viewer\'s own origin, then the listed ones', () => {
    const list = parseEmbedConfig({ allowedOrigins: ['https://portal.example', 'https://*.corp.example'] }, OWN);
    expect(list.problems).toEqual([]);
    expect(list.rules).toEqual([
      { kind: 'exact', origin: OWN },
      { kind: 'exact', origin: 'https://portal.example' },
      { kind: 'subdomains', protocol: 'https:', domain: 'corp.example', port: '' },
    ]);
  });

  it('keeps the good entries and reports the others', () => {
    const list = parseEmbedConfig({ allowedOrigins: ['https://portal.example', 42, 'https://evil.example/x'] }, OWN);
    expect(list.rules.map((r) => (r.kind === 'exact' ? r.origin : r.domain))).toEqual([OWN, 'https://portal.example']);
    expect(list.problems).toHaveLength(2);
    expect(list.problems[0]).toContain('42');
    expect(list.problems[1]).toContain('https://evil.example/x');
  });

  it('falls back to the own origin for a config that is not an object or has no list', () => {
    for (const config of [null, [], 'x', { allowedOrigins: 'https://portal.example' }]) {
      const list = parseEmbedConfig(config, OWN);
      expect(list.rules).toEqual([{ kind: 'exact', origin: OWN }]);
      expect(list.problems).toHaveLength(1);
    }
    expect(parseEmbedConfig({}, OWN)).toEqual({ rules: [{ kind: 'exact', origin: OWN }], problems: [] });
  });
});

describe('origin matching', () => {
  const { rules } = parseEmbedConfig({ allowedOrigins: ['https://portal.example', 'https://*.corp.example', 'http://*.lab.example:8080'] }, OWN);

  it.each([
    [OWN, true],
    ['https://portal.example', true],
    ['https://ir.corp.example', true],
    ['https://a.b.corp.example', true],
    ['http://x.lab.example:8080', true],
    // Another scheme, port or host is another origin.
    ['http://portal.example', false],
    ['https://portal.example:8443', false],
    ['https://portal.example.evil', false],
    ['https://evilportal.example', false],
    ['https://corp.example', false],        // the domain itself is not a subdomain
    ['https://evilcorp.example', false],
    ['https://ir.corp.example.evil', false],
    ['http://ir.corp.example', false],
    ['http://x.lab.example', false],
    ['http://x.lab.example:8081', false],
    // What browsers send for sandboxed frames and file: pages, and things that are not origins.
    ['null', false],
    ['', false],
    ['https://portal.example/', false],
    ['*', false],
  ])('%s -> %s', (origin, allowed) => {
    expect(isOriginAllowed(origin, rules)).toBe(allowed);
  });
});

describe('where ready goes', () => {
  const { rules } = parseEmbedConfig({ allowedOrigins: ['https://portal.example', 'https://*.corp.example'] }, OWN);

  it('goes to the known parent only, when it is allowed', () => {
    expect(readyTargets(rules, 'https://ir.corp.example')).toEqual(['https://ir.corp.example']);
    expect(readyTargets(rules, 'https://portal.example')).toEqual(['https://portal.example']);
    expect(readyTargets(rules, 'https://evil.example')).toEqual([]);
  });

  it('goes to every exact origin when the parent is unknown (the browser drops the others)', () => {
    expect(readyTargets(rules, undefined)).toEqual([OWN, 'https://portal.example']);
  });
});

describe('same-origin URLs', () => {
  const page = 'https://viewer.example/tools/kdmp/embed.html';

  it('resolves relative and absolute URLs on the origin', () => {
    expect(sameOriginUrl('../dumps/a.dmp', page, OWN)).toBe('https://viewer.example/tools/dumps/a.dmp');
    expect(sameOriginUrl('/dumps/a.dmp', page, OWN)).toBe('https://viewer.example/dumps/a.dmp');
    expect(sameOriginUrl('https://viewer.example/x.dmp', page, OWN)).toBe('https://viewer.example/x.dmp');
  });

  it('refuses other origins and other schemes', () => {
    expect(sameOriginUrl('https://other.example/a.dmp', page, OWN)).toBeNull();
    expect(sameOriginUrl('//other.example/a.dmp', page, OWN)).toBeNull();
    expect(sameOriginUrl('http://viewer.example/a.dmp', page, OWN)).toBeNull();
    expect(sameOriginUrl('data:application/octet-stream,PAGE', page, OWN)).toBeNull();
    expect(sameOriginUrl('http://[bad', page, OWN)).toBeNull();
  });
});
