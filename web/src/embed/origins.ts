// Which pages may drive the embedded viewer (iframe mode), and which URLs it may read. The allow-list comes from
// embed-config.json, deployed next to the viewer: {"allowedOrigins": ["https://portal.example", "https://*.corp.example"]}.
// The viewer's own origin is always allowed. Everything here is pure, so tests/web/embed-origins.test.ts covers it.

/** One allowed origin: an exact origin, or every subdomain of a domain ("https://*.corp.example"). */
export type OriginRule =
  | { kind: 'exact'; origin: string }
  /** `protocol` as URL spells it ("https:"), `port` "" for the scheme's default. */
  | { kind: 'subdomains'; protocol: string; domain: string; port: string };

export interface AllowList {
  rules: OriginRule[];
  /** Entries of the config that were not understood, to warn about (they allow nothing). */
  problems: string[];
}

const WILDCARD = '://*.';
// Stands in for "*" so that URL can parse and normalize the rest (case, default port, IDNA).
const PLACEHOLDER_LABEL = 'kdmpview-any-subdomain';

/** An allow-list entry as a rule, or why it is not one. Origins are compared after URL's normalization
 *  ("HTTPS://Portal.Example:443" is "https://portal.example"); a path, query or credentials make it invalid. */
export function parseOriginRule(entry: string): OriginRule | { problem: string } {
  const wildcard = entry.includes('*');
  if (wildcard && (!entry.includes(WILDCARD) || entry.indexOf('*') !== entry.lastIndexOf('*'))) {
    return { problem: `${JSON.stringify(entry)}: "*" is only allowed as the first label, as in "https://*.example.com"` };
  }
  let url: URL;
  try {
    url = new URL(wildcard ? entry.replace(WILDCARD, `://${PLACEHOLDER_LABEL}.`) : entry);
  } catch {
    return { problem: `${JSON.stringify(entry)} is not an origin like "https://portal.example"` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { problem: `${JSON.stringify(entry)}: only http: and https: origins can embed the viewer` };
  }
  const bare = url.username === '' && url.password === '' && url.search === '' && url.hash === '' && url.pathname === '/';
  if (!bare || /[?#]/.test(entry) || !/^[a-z][a-z0-9+.-]*:\/\/[^/]+\/?$/i.test(entry)) {
    return { problem: `${JSON.stringify(entry)} is not an origin: leave out the path, query and credentials` };
  }
  if (!wildcard) return { kind: 'exact', origin: url.origin };
  const domain = url.hostname.slice(PLACEHOLDER_LABEL.length + 1);
  // "*.com" would let any site in; a domain needs at least two labels.
  if (!url.hostname.startsWith(`${PLACEHOLDER_LABEL}.`) || !/^[^.]+\.[^.]+/.test(domain)) {
    return { problem: `${JSON.stringify(entry)}: "*." must be followed by a domain of at least two labels` };
  }
  return { kind: 'subdomains', protocol: url.protocol, domain, port: url.port };
}

/** The allow-list of a parsed embed-config.json (anything else: only the viewer's own origin). */
export function parseEmbedConfig(config: unknown, ownOrigin: string): AllowList {
  const rules: OriginRule[] = [{ kind: 'exact', origin: ownOrigin }];
  const problems: string[] = [];
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    return { rules, problems: ['embed-config.json is not a JSON object'] };
  }
  const entries = (config as { allowedOrigins?: unknown }).allowedOrigins;
  if (entries === undefined) return { rules, problems };
  if (!Array.isArray(entries)) return { rules, problems: ['allowedOrigins is not an array of origins'] };
  for (const entry of entries) {
    if (typeof entry !== 'string') {
      problems.push(`${JSON.stringify(entry)} is not a string`);
      continue;
    }
    const rule = parseOriginRule(entry);
    if ('problem' in rule) problems.push(rule.problem);
    else rules.push(rule);
  }
  return { rules, problems };
}

/** True when a message from `origin` (MessageEvent.origin) may drive the viewer. "null" (sandboxed frames, file:)
 *  never may. */
export function isOriginAllowed(origin: string, rules: readonly OriginRule[]): boolean {
  if (origin === 'null') return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.origin !== origin) return false;  // a path or other junk: not an origin as browsers send them
  return rules.some((rule) => rule.kind === 'exact'
    ? rule.origin === origin
    : url.protocol === rule.protocol && url.port === rule.port && url.hostname.endsWith(`.${rule.domain}`));
}

/**
 * Where to post 'kdmpview:ready'. postMessage needs an exact targetOrigin, so when the embedding page's origin is
 * known (location.ancestorOrigins, or the referrer), that origin if it is allowed (nothing if it is not); when it
 * is unknown, every exact origin on the list, and the browser drops the ones that do not match the parent.
 */
export function readyTargets(rules: readonly OriginRule[], parentOrigin: string | undefined): string[] {
  if (parentOrigin !== undefined) return isOriginAllowed(parentOrigin, rules) ? [parentOrigin] : [];
  return [...new Set(rules.flatMap((rule) => (rule.kind === 'exact' ? [rule.origin] : [])))];
}

/** The absolute form of `url` (resolved against `base`) when it is on `origin`; null otherwise. The viewer reads
 *  dumps only from its own origin: the CSP (connect-src 'self') would block anything else. */
export function sameOriginUrl(url: string, base: string, origin: string): string | null {
  try {
    const resolved = new URL(url, base);
    return resolved.origin === origin ? resolved.href : null;
  } catch {
    return null;
  }
}
