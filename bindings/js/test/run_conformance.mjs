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
// The runner's per-call limit is CPU time (10 s); its wall-clock backstop
// (60 s by default) is raised so that a busy machine cannot fire it: the
// first request of each server pays node's start and the module's compile.
const r = spawnSync(python, [path.join(ROOT, 'conformance', 'run.py'), '--adapter', adapter,
  '--wall-timeout', '900'],
  { stdio: 'inherit' });
process.exit(r.status === null ? 1 : r.status);
