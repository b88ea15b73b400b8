// helpers.mjs - what the tests share: the repository paths and the corpus
// manifest, whose expected verdicts, rules, offsets and dumps come from the
// independent Python implementation (tools/pyacepack), never from C or WASM.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const PKG = fileURLToPath(new URL('..', import.meta.url));
export const ROOT = path.resolve(PKG, '../..');
export const CORPUS = process.env.ACEPACK_CORPUS || path.join(ROOT, 'corpus');
export const CLI = process.env.ACEPACK_CLI || path.join(ROOT, 'build', 'acepack');
export const BUILD = process.env.ACEPACK_BUILD_DIR || path.join(ROOT, 'build');

export function manifest() {
  return JSON.parse(readFileSync(path.join(CORPUS, 'manifest.json'), 'utf8'));
}

// Every (case, profile) a reader is judged on.
export function readCases() {
  const out = [];
  for (const c of manifest().cases) {
    if (c.kind !== 'read' || c.sparse) continue; // sparse: the file is made by the runner (over 4 GiB)
    for (const profile of Object.keys(c.expect)) out.push({ c, profile, file: path.join(CORPUS, c.path) });
  }
  return out;
}
