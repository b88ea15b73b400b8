#!/usr/bin/env node
// Conformance adapter for a JavaScript ACEPACK library (conformance/README.md):
//   node adapter.mjs LIBRARY.mjs capabilities|read FILE --profile P|write|migrate --profile P
// LIBRARY.mjs is your library, or a thin module around it, exporting:
//   capabilities  {read, write, migrate: booleans, profiles: ["strict", ...]}
//   read(bytes, profile) -> dump bytes     write(dumpBytes) -> file bytes
//   migrate(v1Bytes, profile) -> v2 bytes
// and throwing, for a rejection, an error with `rule` and `offset` members; for an
// implementation limit, one with `unsupported: true`. Everything else it throws is a bug:
// exit 4 (internal error), never 1 (Node's own status for an uncaught exception).
import { readFileSync, writeSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

function put(fd, data) {  // synchronous: process.exit() must not cut the output short
  const buf = typeof data === "string" ? Buffer.from(data) : Buffer.from(data);
  for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off);
}

async function main([libPath, op, ...args]) {
  const at = args.indexOf("--profile");
  const profile = at >= 0 ? args[at + 1] : "strict";
  const name = op === "read" ? args[0] : "<stdin>";
  try {
    const lib = await import(pathToFileURL(resolve(libPath)).href);
    if (op === "capabilities") put(1, JSON.stringify(lib.capabilities) + "\n");
    else if (op === "read") put(1, lib.read(readFileSync(args[0]), profile));
    else if (op === "write") put(1, lib.write(readFileSync(0)));
    else if (op === "migrate") put(1, lib.migrate(readFileSync(0), profile));
    else { put(2, `unknown command ${op}\n`); return 2; }
    return 0;
  } catch (e) {
    if (e && typeof e.rule === "string" && Number.isInteger(e.offset)) {
      put(2, `${name}:${e.offset}: ${e.rule}: ${e.message}\n`);
      return 1;
    }
    if (e && e.unsupported) { put(2, `unsupported: ${e.message}\n`); return 3; }
    put(2, `internal error: ${e && e.stack ? e.stack : e}\n`);
    return 4;
  }
}

process.exitCode = await main(process.argv.slice(2));
