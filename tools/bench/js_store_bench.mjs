// js_store_bench.mjs - times one operation of the JavaScript 0.2.0 store, for
// the side-by-side figures of tools/bench/run.py (--js-store DIR).
//
//   node js_store_bench.mjs STORE_DIR open FILE      open() of a v2 file (read-only)
//   node js_store_bench.mjs STORE_DIR commit FILE    appendEntry() of one event + commit()
//   node js_store_bench.mjs STORE_DIR migrate FILE   open() + close() of a v1 file (0.2.0's
//                                                    v1 -> v2 migration; rewrites FILE)
//
// STORE_DIR holds v2/AcePackedStore.js (the store is imported from there, not
// copied).  Prints one JSON line {"op":..,"ms":..}; the caller measures the
// process's peak RSS.  One operation per process, so every run starts cold
// like a real open.  commit and migrate modify FILE: pass a scratch copy.
import { pathToFileURL } from "node:url";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";

const [storeDir, op, file] = process.argv.slice(2);
if (!storeDir || !op || !file) {
  console.error("usage: node js_store_bench.mjs STORE_DIR open|commit|migrate FILE");
  process.exit(2);
}
const modulePath = pathToFileURL(join(resolve(storeDir), "v2", "AcePackedStore.js")).href;
const { AcePackedStore } = await import(modulePath);

const store = new AcePackedStore();
let ms;
if (op === "open") {
  const t0 = performance.now();
  await store.open(file, { readOnly: true });
  ms = performance.now() - t0;
} else if (op === "commit") {
  await store.open(file);
  const n = store.evtBaseId + store.committed.length + 1;
  const t0 = performance.now();
  // The same shape as the C bench's events (tools/bench/bench_content.c).
  await store.appendEntry({ kind: 4, content_source: 2, key: `state/x/${n}`,
                            payload: { n }, parent_id: n - 1 });
  await store.commit();
  ms = performance.now() - t0;
} else if (op === "migrate") {
  const t0 = performance.now();
  await store.open(file);
  await store.close();
  ms = performance.now() - t0;
} else {
  console.error(`unknown operation: ${op}`);
  process.exit(2);
}
console.log(JSON.stringify({ op, ms, events: store.committed.length + store.pending.length }));
// Exit without close() for open/commit: close() would commit (rewrite the
// event section) again, which is not part of the timed operation.
process.exit(0);
