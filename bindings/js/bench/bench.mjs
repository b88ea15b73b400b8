// bench.mjs - the WebAssembly reader beside the native one and the JS 0.2.0
// store, in one run, on the store of tools/bench (1,000,000 events, 1,000
// keys of ~1 KiB by default):
//   native   acepack_bench's `open` + `validate_strict` (mapped file): the
//            full validation (spec 7.2), medians of --iters runs
//   wasm     open() of this package (copy into the module + acepack_open +
//            acepack_validate(ALL)), in this process, median of --iters runs
//   js       the 0.2.0 store's open() (tools/bench/js_store_bench.mjs, one
//            process per run), only with --js-store DIR
//   chromium the inspector page from file://: navigation to ready, then the
//            store chosen in it until verdicts (both profiles) and tables show
// usage: node bindings/js/bench/bench.mjs [--build build] [--events 1000000]
//          [--iters 5] [--js-store DIR] [--js-runs 3] [--no-chromium]
import { readFileSync, mkdirSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { pathToFileURL, fileURLToPath } from 'node:url';
import path from 'node:path';
import os from 'node:os';
import { open } from '../lib/index.js';
import { launch, chooseFile } from '../test/cdp.mjs';

const PKG = fileURLToPath(new URL('..', import.meta.url));
const ROOT = path.resolve(PKG, '../..');
const opt = { build: 'build', events: 1000000, keys: 1000, iters: 5, jsRuns: 3, jsStore: null, chromium: true };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--build') opt.build = argv[++i];
  else if (a === '--events') opt.events = Number(argv[++i]);
  else if (a === '--iters') opt.iters = Number(argv[++i]);
  else if (a === '--js-store') opt.jsStore = argv[++i];
  else if (a === '--js-runs') opt.jsRuns = Number(argv[++i]);
  else if (a === '--no-chromium') opt.chromium = false;
  else if (a === '--page-only') opt.pageOnly = true;
  else { console.error(`unknown option ${a}`); process.exit(2); }
}
const build = path.resolve(ROOT, opt.build);
const benchBin = path.join(build, 'acepack_bench');
const dir = path.join(build, 'bench-data');
mkdirSync(dir, { recursive: true });
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[(s.length - 1) >> 1]; };
const ms = (x) => `${x.toFixed(2)} ms`;

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

console.log(`load average before: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
run(benchBin, ['--gen-only', '--events', String(opt.events), '--keys', String(opt.keys), '--v1-entries', '1000', '--dir', dir]);
const file = path.join(dir, `v2-e${opt.events}-k${opt.keys}.ace`);
const bytes = readFileSync(file);
console.log(`store: ${file} (${bytes.length} bytes)`);

// Native.
let native = 0, wasm = 0, wasmFirst = 0, wasmTimes = [], js = null;
if (!opt.pageOnly) {
const figs = {};
for (const line of run(benchBin, ['--only', 'reader', '--events', String(opt.events), '--keys', String(opt.keys),
  '--iters', String(opt.iters), '--dir', dir, '--json']).split('\n')) {
  if (line.startsWith('{')) { const r = JSON.parse(line); figs[r.name] = r; }
}
native = (figs.open.median_ns + figs.validate_strict.median_ns) / 1e6;

// WASM, in this process; one untimed run first (compilation, memory growth).
// CPU time too: on a loaded machine wall time mostly measures waiting.
const wasmCpu = [];
const wasmRun = () => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const f = open(bytes, { profile: 'strict' });
  const ok = f.verdict.ok;
  const t = performance.now() - t0;
  const c = process.cpuUsage(c0);
  wasmCpu.push((c.user + c.system) / 1000);
  f.close();
  if (!ok) throw new Error('the store does not validate');
  return t;
};
wasmFirst = wasmRun(); // compilation, memory growth: reported apart
wasmTimes = Array.from({ length: opt.iters }, wasmRun);
wasm = median(wasmTimes);

// JS 0.2.0.
if (opt.jsStore) {
  const driver = path.join(ROOT, 'tools', 'bench', 'js_store_bench.mjs');
  const t = [];
  for (let i = 0; i < opt.jsRuns; i++) t.push(JSON.parse(run(process.execPath, [driver, opt.jsStore, 'open', file]).trim().split('\n').pop()).ms);
  js = median(t);
}

console.log(`load average after: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(`\n| full strict validation of ${opt.events.toLocaleString('en')} events, ${bytes.length.toLocaleString('en')} bytes | median | vs native | vs JS open() |`);
console.log('|---|---|---|---|');
console.log(`| native (acepack_open + acepack_validate ALL, mapped file) | ${ms(native)} | 1 | ${js ? (js / native).toFixed(1) + 'x' : ''} |`);
console.log(`| WASM open() (copy in + open + validate ALL), node ${process.version} | ${ms(wasm)} (runs ${wasmTimes.map((x) => x.toFixed(1)).join(', ')}) | ${(native / wasm * 100).toFixed(0)} % of native speed (first run ${ms(wasmFirst)}; CPU time: first ${ms(wasmCpu[0])}, median ${ms(median(wasmCpu.slice(1)))}) | ${js ? (js / wasm).toFixed(1) + 'x' : ''} |`);
if (js) console.log(`| JS 0.2.0 store open() (readOnly) | ${ms(js)} | | 1 |`);
}
// Chromium: the page from disk, the store chosen in it.
let page = null;
if (opt.chromium) {
  const b = await launch(pathToFileURL(path.join(PKG, 'web', 'index.html')).href);
  try {
    const runs = [];
    for (let i = 0; i < 3; i++) {
      // A fresh page each run: navigation to ready, then the file.
      if (i > 0) await b.page('Page.navigate', { url: pathToFileURL(path.join(PKG, 'web', 'index.html')).href });
      await b.waitFor("document.body && document.body.dataset.state === 'ready'");
      const ready = Number(await b.evaluate('document.body.dataset.readyMs'));
      const t0 = performance.now();
      await chooseFile(b, file);
      const wall = performance.now() - t0;
      runs.push({ ready, wall, validate: Number(await b.evaluate('document.getElementById("timing").dataset.validateMs')),
        total: Number(await b.evaluate('document.getElementById("timing").dataset.totalMs')) });
    }
    page = { runs };
  } finally {
    await b.close();
  }
}

console.log(`load average after the page: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
if (page) {
  for (const r of page.runs) {
    console.log(`| Chromium page: load ${ms(r.ready)} + choose..shown ${ms(r.wall)} = ${ms(r.ready + r.wall)} (in page: both profiles ${ms(r.validate)}, with tables ${ms(r.total)}) | | | |`);
  }
}
