// The optional symbol server: off until the user types its URL. For each module whose image names its PDB (a CodeView
// RSDS record) and that has no PDB yet, it fetches URL/name.pdb/GUIDAGE/name.pdb, the symbol-store layout
// (symchk, symstore, Microsoft's server). What the dump says is hostile: the PDB's name is reduced to its last path
// component and percent-encoded, so it can only ever name a file under the server's URL.
//
// The page's Content-Security-Policy decides what the browser may reach: the shipped page allows its own origin only
// (connect-src falls back to default-src 'self'), so a server elsewhere needs a deployment whose CSP names it, or a
// proxy on the page's own origin. The server must also answer with CORS headers for the page's origin.
import type { SummaryModule } from '../summary';

export interface PdbIdentity {
  name: string;
  guid: string;
  age: number;
}

/** The file name a PDB path ends with ("C:\\build\\symdrv.pdb" -> "symdrv.pdb"); null when nothing sensible is left. */
export function pdbFileName(path: string): string | null {
  const name = path.split(/[\\/]/).pop() ?? '';
  // A name with controls or only dots cannot be a store's folder name.
  if (name === '' || name === '.' || name === '..' || /[\u0000-\u001f\u007f]/.test(name) || name.length > 255) return null;
  return name;
}

/** "name.pdb/GUIDAGE/name.pdb" with the GUID's 32 hex digits and the age in hex, upper case, as symbol stores lay
 *  them out; each segment percent-encoded. Null for a PDB name that cannot be a file name. */
export function symbolStorePath(pdb: PdbIdentity): string | null {
  const name = pdbFileName(pdb.name);
  const guid = pdb.guid.replace(/-/g, '');
  if (name === null || !/^[0-9a-f]{32}$/i.test(guid) || !Number.isInteger(pdb.age) || pdb.age < 0) return null;
  const segment = encodeURIComponent(name);
  return `${segment}/${guid.toUpperCase()}${pdb.age.toString(16).toUpperCase()}/${segment}`;
}

/** The server URL the user typed, checked: http(s) only, without credentials, query or fragment; null otherwise. */
export function parseServerUrl(text: string, base: string): URL | null {
  let url: URL;
  try {
    url = new URL(text.trim(), base);
  } catch {
    return null;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password || url.search || url.hash) return null;
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/** The modules a symbol server can help: an RSDS identity, and no PDB matched yet. */
export function modulesWanting(modules: readonly SummaryModule[]): { module: SummaryModule; path: string }[] {
  const seen = new Set<string>();
  return modules.flatMap((module) => {
    const pdb = module.image?.pdb;
    if (!pdb || module.symbols === 'pdb') return [];
    const path = symbolStorePath(pdb);
    if (path === null || seen.has(path)) return [];
    seen.add(path);
    return [{ module, path }];
  });
}

/**
 * Whether a page whose CSP is `policy` (a <meta http-equiv> CSP's content; null: none) may fetch `target`:
 * connect-src, else default-src, must list 'self' (for the page's origin), the origin, a matching scheme or host
 * (wildcards "*.example.com", "*"), or a path prefix. A header CSP the page cannot read may forbid more: the fetch then
 * fails and says so.
 */
export function cspAllowsConnect(policy: string | null, target: URL, pageOrigin: string): boolean {
  if (policy === null) return true;
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), values);
  }
  const sources = directives.get('connect-src') ?? directives.get('default-src');
  if (sources === undefined) return true;
  return sources.some((source) => sourceMatches(source, target, pageOrigin));
}

function sourceMatches(source: string, target: URL, pageOrigin: string): boolean {
  const s = source.toLowerCase();
  if (s === "'none'") return false;
  if (s === "'self'") return target.origin === pageOrigin;
  if (s === '*') return target.protocol === 'http:' || target.protocol === 'https:';
  if (/^[a-z][a-z0-9+.-]*:$/.test(s)) return target.protocol === s;
  const m = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\*\.)?([^/:]+|\*)(?::(\d+|\*))?(\/.*)?$/.exec(s);
  if (!m) return false;
  const [, scheme, wildcard, host, port, path] = m;
  if (scheme && `${scheme}:` !== target.protocol) return false;
  if (!scheme && target.protocol !== new URL(pageOrigin).protocol) return false;
  const targetHost = target.hostname.toLowerCase();
  if (wildcard ? !targetHost.endsWith(`.${host}`) : host !== '*' && host !== targetHost) return false;
  const defaultPort = target.protocol === 'https:' ? '443' : '80';
  if (port !== '*' && (port ?? defaultPort) !== (target.port || defaultPort)) return false;
  if (path) return path.endsWith('/') ? target.pathname.startsWith(path) : target.pathname === path;
  return true;
}

export interface FetchProgress {
  done: number;
  total: number;
  bytes: number;
}

export interface SymbolDownloads {
  files: File[];
  /** One sentence per module the server did not help with (404, CORS, network, CSP). */
  warnings: string[];
}

/** The largest PDB taken from a server (the kernel's is tens of MiB). */
const MAX_PDB_BYTES = 1 << 30;
/** Downloads at once. */
const PARALLEL = 3;

/** Fetches the PDBs of `wanted` from `server`; every failure is a warning, never an exception. */
export async function fetchFromServer(server: URL, wanted: readonly { module: SummaryModule; path: string }[], options: {
  fetch?: typeof fetch;
  onProgress?(progress: FetchProgress): void;
  cancelled?(): boolean;
} = {}): Promise<SymbolDownloads> {
  const get = options.fetch ?? fetch;
  const files: File[] = [];
  const warnings: string[] = [];
  const progress: FetchProgress = { done: 0, total: wanted.length, bytes: 0 };
  let next = 0;
  const one = async ({ module, path }: { module: SummaryModule; path: string }) => {
    const url = new URL(path, server);
    const name = decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
    try {
      const response = await get(url.href, { credentials: 'omit', redirect: 'follow', cache: 'no-store' });
      if (!response.ok) {
        warnings.push(`${module.name}: ${url.href} answered HTTP ${response.status}${response.status === 404 ? ' (the server does not have this PDB)' : ''}`);
        return;
      }
      const size = Number(response.headers.get('content-length') ?? '0');
      if (size > MAX_PDB_BYTES) {
        warnings.push(`${module.name}: ${url.href} is ${size} bytes, more than the 1 GiB a PDB may be here`);
        return;
      }
      const blob = await response.blob();
      progress.bytes += blob.size;
      files.push(new File([blob], name, { type: 'application/octet-stream' }));
    } catch (e) {
      warnings.push(`${module.name}: ${url.href} could not be fetched (${e instanceof Error ? e.message : String(e)}): the server must allow this page's origin (CORS) and the page's Content-Security-Policy must allow the server`);
    } finally {
      progress.done += 1;
      options.onProgress?.({ ...progress });
    }
  };
  const lanes = Array.from({ length: Math.min(PARALLEL, wanted.length) }, async () => {
    while (next < wanted.length && !options.cancelled?.()) await one(wanted[next++]!);
  });
  await Promise.all(lanes);
  return { files, warnings };
}
