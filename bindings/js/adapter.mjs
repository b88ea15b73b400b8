#!/usr/bin/env node
// adapter.mjs - the conformance adapter of the WebAssembly reader
// (conformance/README.md; HELPERS.md for `serve`):
//   node adapter.mjs capabilities
//   node adapter.mjs read FILE --profile strict|compat
//   node adapter.mjs serve            (persistent protocol)
// Anything unexpected - a missing dist/acepack.wasm included - exits 4 (an
// internal error of the adapter), never 1, which would mean "rejected".
import { readFileSync } from 'node:fs';

function fail(e) {
  process.stderr.write(`adapter: internal error: ${e && e.stack ? e.stack : e}\n`);
  process.exit(4);
}
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

async function main(argv) {
  const { readOp, CAPABILITIES } = await import('./lib/adapter_core.js');
  const op = argv[0];
  if (op === 'capabilities') {
    process.stdout.write(JSON.stringify(CAPABILITIES) + '\n');
    return 0;
  }
  if (op === 'serve') {
    const { serve } = await import('./lib/serve.js');
    return serve(process.stdin, process.stdout);
  }
  if (op === 'read') {
    const i = argv.indexOf('--profile');
    const profile = i >= 0 ? argv[i + 1] : 'strict';
    const file = argv[1];
    if (file === undefined || (profile !== 'strict' && profile !== 'compat')) {
      process.stderr.write('usage: adapter.mjs read FILE --profile strict|compat\n');
      return 2;
    }
    let bytes;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      if (e.code === 'ERR_FS_FILE_TOO_LARGE') {
        // Over 2 GiB: beyond what this reader takes in (one buffer, copied into 32-bit
        // WebAssembly memory): a documented limit (spec 3.6), so unsupported, not a crash.
        process.stderr.write(`${file}: unsupported: file larger than 2 GiB (${e.message})\n`);
        return 3;
      }
      process.stderr.write(`${file}: ${e.message}\n`);
      return 2;
    }
    const r = readOp(bytes, profile, file);
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    return r.status;
  }
  if (op === 'write' || op === 'migrate') {
    process.stderr.write(`adapter: '${op}' is not supported (a reader only)\n`);
    return 3;
  }
  process.stderr.write('usage: adapter.mjs capabilities | read FILE --profile P | serve\n');
  return 2;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, fail);
