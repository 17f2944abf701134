// Whether dist/bundle/ (scripts/build-bundle.mjs) may run instead of the modules in dist/: only
// if every file it was built from is unchanged (its size, and its mtime or else its SHA-256, as
// recorded in the manifest; a package by its package.json). After a `tsc` that changed something,
// or an `npm install` that changed a package, the bundle is stale and the modules run: never old
// code, only a slower start.
// RUNBOOK_NO_BUNDLE=1 always runs the modules.
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

let crypto: typeof import('node:crypto') | undefined;
/** node:crypto costs a few ms to load: only when an mtime differs. */
function sha256(file: string): string {
  crypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return crypto.createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** dist/bundle/manifest.json: the bundle's entry and its inputs (paths relative to the package root; a package as its package.json). */
export interface BundleManifest {
  entry: string;
  inputs: Array<[path: string, size: number, mtimeMs: number, sha256: string]>;
}

/** The URL of the bundle's entry when it is fresh; undefined to run the modules. */
export function freshBundle(mainUrl: string): string | undefined {
  // From source (tsx) there is nothing to compare with; the env var is the way out when debugging.
  if (!mainUrl.endsWith('.js') || process.env['RUNBOOK_NO_BUNDLE']) return undefined;
  const root = new URL('../../../', mainUrl); // dist/engine/cli/main.js → the package root
  let m: BundleManifest;
  try {
    m = JSON.parse(readFileSync(new URL('dist/bundle/manifest.json', root), 'utf8')) as BundleManifest;
  } catch {
    return undefined; // not built (tsc alone), or being rebuilt right now
  }
  const base = fileURLToPath(root);
  for (const [path, size, mtimeMs, hash] of m.inputs) {
    const st = statSync(base + path, { throwIfNoEntry: false });
    if (!st || st.size !== size) return undefined;
    // tsc rewrites every output file: a new mtime with the same bytes is still fresh.
    if (st.mtimeMs !== mtimeMs && sha256(base + path) !== hash) return undefined;
  }
  return new URL(m.entry, root).href;
}
