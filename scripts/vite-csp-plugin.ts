// The pages' Content-Security-Policy (a <meta> in web/index.html and web/embed.html) allows the page's own origin
// only. A deployment that uses a symbol server on another origin names it at build time:
//   KDMP_SYMBOL_SERVER_ORIGINS="https://symbols.example.com https://msdl.example" npm run build
// adds `connect-src 'self' <those origins>` to both pages' policy. Nothing else can widen it: a CSP header the server
// adds is a second policy, and a request must pass both.
import type { Plugin } from 'vite';

/** The origins of `list` (space- or comma-separated), each checked to be exactly scheme://host[:port]. */
export function parseConnectOrigins(list: string | undefined): string[] {
  const origins = (list ?? '').split(/[\s,]+/).filter(Boolean);
  return origins.map((text) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new Error(`KDMP_SYMBOL_SERVER_ORIGINS: "${text}" is not a URL`);
    }
    // The host must be a plain name or address: a ';' or a quote would end the directive and start another.
    const plainHost = /^[a-z0-9.-]+$/i.test(url.hostname) || /^\[[0-9a-f:.]+\]$/i.test(url.hostname);
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !plainHost || url.origin !== text.replace(/\/$/, '')) {
      throw new Error(`KDMP_SYMBOL_SERVER_ORIGINS: "${text}" must be an http(s) origin (scheme://host[:port]), nothing more`);
    }
    return url.origin;
  });
}

/** The policy with connect-src 'self' plus `origins` (unchanged when there are none). */
export function withConnectOrigins(policy: string, origins: readonly string[]): string {
  if (origins.length === 0) return policy;
  const directives = policy.split(';').map((d) => d.trim()).filter((d) => d && !/^connect-src\b/i.test(d));
  return [...directives, `connect-src 'self' ${origins.join(' ')}`].join('; ');
}

export function cspPlugin(origins = parseConnectOrigins(process.env['KDMP_SYMBOL_SERVER_ORIGINS'])): Plugin {
  return {
    name: 'kdmpview-csp',
    transformIndexHtml(html) {
      if (origins.length === 0) return html;
      return html.replace(/(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")/,
        (_, open: string, policy: string, close: string) => `${open}${withConnectOrigins(policy, origins)}${close}`);
    },
  };
}
