// Vite plugin (build only): bundles web/src/offline/service-worker.ts into the site's root as sw.js, one classic
// script, and writes into it the precache manifest of this build: every emitted file and every file copied from
// web/public/, with a version that changes when any of them does (web/src/offline/precache.ts decides what is kept).
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin, ResolvedConfig } from 'vite';
import { MANIFEST_PLACEHOLDER, precacheManifest, type BuiltFile } from '../web/src/offline/precache.ts';
import { SERVICE_WORKER_FILE } from '../web/src/offline/service-worker-file.ts';

const serviceWorkerSource = fileURLToPath(new URL('../web/src/offline/service-worker.ts', import.meta.url));

export function offlinePlugin(): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'kdmpview-offline',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    buildStart() {
      // An entry of the site's own bundle, at a stable name: registrations find it build after build.
      this.emitFile({ type: 'chunk', id: serviceWorkerSource, fileName: SERVICE_WORKER_FILE });
    },
    generateBundle: {
      // After Vite's own plugins have emitted the HTML pages and the worker's files.
      order: 'post',
      async handler(_options, bundle) {
        const worker = bundle[SERVICE_WORKER_FILE];
        if (worker?.type !== 'chunk') return this.error(`${SERVICE_WORKER_FILE} is missing from the bundle`);
        // A service worker registered as a classic script cannot import: everything it uses must be inlined.
        if (worker.imports.length > 0 || worker.dynamicImports.length > 0 || /^\s*(import|export)\b/m.test(worker.code)) {
          return this.error(`${SERVICE_WORKER_FILE} must be one self-contained script, but it imports ${[...worker.imports, ...worker.dynamicImports].join(', ')}`);
        }
        if (!worker.code.includes(MANIFEST_PLACEHOLDER)) return this.error(`${SERVICE_WORKER_FILE} does not read ${MANIFEST_PLACEHOLDER}`);

        const built = new Map<string, BuiltFile>();
        for (const file of await publicFiles(config)) built.set(file.path, file);
        for (const [fileName, output] of Object.entries(bundle)) {
          built.set(fileName, { path: fileName, digest: digest(output.type === 'chunk' ? output.code : output.source) });
        }
        built.delete(SERVICE_WORKER_FILE);
        const manifest = precacheManifest([...built.values()], config.build.assetsDir);
        worker.code = worker.code.replaceAll(MANIFEST_PLACEHOLDER, JSON.stringify(manifest));
      },
    },
  };
}

/** The files Vite copies from the public directory into the site, as the site will name them. */
async function publicFiles(config: ResolvedConfig): Promise<BuiltFile[]> {
  if (!config.publicDir || !config.build.copyPublicDir) return [];
  const root = config.publicDir;
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return Promise.all(
    entries
      .filter((entry) => entry.isFile())
      .map(async (entry) => {
        const file = path.join(entry.parentPath, entry.name);
        return { path: path.relative(root, file).split(path.sep).join('/'), digest: digest(await readFile(file)) };
      }),
  );
}

function digest(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}
