// run_conformance.mjs - ctest wasm.conformance: the conformance runner with
// the WebAssembly adapter, when the runner speaks the persistent protocol
// (else exit 77: skipped, see CMakeLists.txt).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT, PKG } from './helpers.mjs';

const python = process.argv[2] || 'python3';
if (!existsSync(path.join(ROOT, 'conformance', 'acetest', 'serve.py'))) {
  console.log('wasm.conformance: this runner has no persistent protocol (serve); skipped');
  process.exit(77);
}
const adapter = `wasm=node ${path.join(PKG, 'adapter.mjs')}`;
const r = spawnSync(python, [path.join(ROOT, 'conformance', 'run.py'), '--adapter', adapter],
  { stdio: 'inherit' });
process.exit(r.status === null ? 1 : r.status);
