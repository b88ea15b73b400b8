// index.js - the Node entry point of the package: gives core.js the module
// bytes from dist/ (built by CMake, see README.md) and re-exports its API.
import { readFileSync } from 'node:fs';
import { provideWasm } from './core.js';

provideWasm(() => readFileSync(new URL('../dist/acepack.wasm', import.meta.url)));

export { open, openBlob, validate, dumpFile as dump, explain, diagnostic, version, memorySize,
  AcepackFile, AcepackError } from './core.js';
