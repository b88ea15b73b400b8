// bench.mjs - the WebAssembly reader beside the native one, the JS 0.2.0
// store and the inspector page, in one run, on the store of tools/bench
// (1,000,000 events, 1,000 keys of ~1 KiB), printed side by side:
//   native   acepack_open + acepack_validate(ALL) of the mapped file
//            (acepack_wasm_bench_native), median of --iters runs
//   wasm     open() of this package (copy into the module + acepack_open +
//            acepack_validate(ALL)) in this node, median of --iters runs
//            after one untimed first run (reported apart: compilation and
//            the first touch of fresh module memory)
//   js       the 0.2.0 store's open() (tools/bench/js_store_bench.mjs, one
//            process per run), only with --js-store DIR
//   page     the inspector page in headless Chromium from file://: load to
//            ready, then the store chosen until both verdicts and the tables
//            show, with the page's own phases and the browser's CPU time
// Every figure has its wall-clock time AND its CPU time (user + system of the
// process, or of the browser's process tree): on a shared machine the wall
// time mostly measures waiting, the CPU time the work.
// usage: node bindings/js/bench/bench.mjs [--build build] [--events 1000000]
//          [--iters 9] [--js-store DIR] [--js-runs 1] [--page-runs 2] [--no-chromium]
import { readFileSync, mkdirSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { pathToFileURL, fileURLToPath } from 'node:url';
import path from 'node:path';
import os from 'node:os';
import { open } from '../lib/index.js';
import { launch, chooseFile, CHROMIUM } from '../test/cdp.mjs';
import { treeCpuMs } from './proc_cpu.mjs';

const PKG = fileURLToPath(new URL('..', import.meta.url));
const ROOT = path.resolve(PKG, '../..');
const opt = { build: 'build', events: 1000000, keys: 1000, iters: 9, jsRuns: 1, pageRuns: 2, jsStore: null, chromium: true };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--build') opt.build = argv[++i];
  else if (a === '--events') opt.events = Number(argv[++i]);
  else if (a === '--iters') opt.iters = Number(argv[++i]);
  else if (a === '--js-store') opt.jsStore = argv[++i];
  else if (a === '--js-runs') opt.jsRuns = Number(argv[++i]);
  else if (a === '--page-runs') opt.pageRuns = Number(argv[++i]);
  else if (a === '--no-chromium') opt.chromium = false;
  else { console.error(`unknown option ${a}`); process.exit(2); }
}
const build = path.resolve(ROOT, opt.build);
const dir = path.join(build, 'bench-data');
mkdirSync(dir, { recursive: true });
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[(s.length - 1) >> 1]; };
const f1 = (x) => x.toFixed(1);
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

// CPU ms of the children this process has waited for (/proc/self/stat
// cutime + cstime, 10 ms ticks): the CPU time of a spawnSync'ed run.
function childCpuMs() {
  const s = readFileSync('/proc/self/stat', 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) * 10;
}

const t00 = performance.now();
console.log(`load average at start: ${load()} (${os.cpus().length} CPUs)`);
const file = path.join(dir, `v2-e${opt.events}-k${opt.keys}.ace`);
if (!existsSync(file)) {
  run(path.join(build, 'acepack_bench'), ['--gen-only', '--events', String(opt.events), '--keys', String(opt.keys),
    '--v1-entries', '1000', '--dir', dir]);
}
const bytes = readFileSync(file);
console.log(`store: ${file} (${bytes.length.toLocaleString('en')} bytes)`);

// Native and WASM (in this process) in alternating rounds of 3 runs, so
// that a load that changes during the bench weighs on both alike.
const wasmRun = () => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const f = open(bytes, { profile: 'strict' });
  const ok = f.verdict.ok;
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  f.close();
  if (!ok) throw new Error('the store does not validate');
  return { wall, cpu: (c.user + c.system) / 1000 };
};
const wasmFirst = wasmRun();
const nat = [];
const wr = [];
for (let done = 0; done < opt.iters; done += 3) {
  const n = Math.min(3, opt.iters - done);
  nat.push(...run(path.join(build, 'acepack_wasm_bench_native'), [file, String(n)])
    .trim().split('\n').map((l) => JSON.parse(l)).map((r) => ({ wall: r.wall_ms, cpu: r.cpu_ms })));
  for (let i = 0; i < n; i++) wr.push(wasmRun());
}
const summary = (rs) => ({ wall: median(rs.map((r) => r.wall)), cpu: median(rs.map((r) => r.cpu)),
  cpuRange: `${f1(Math.min(...rs.map((r) => r.cpu)))}..${f1(Math.max(...rs.map((r) => r.cpu)))}` });
const native = summary(nat);
const wasm = summary(wr);

// JS 0.2.0.
let js = null;
if (opt.jsStore) {
  const driver = path.join(ROOT, 'tools', 'bench', 'js_store_bench.mjs');
  const jr = [];
  for (let i = 0; i < opt.jsRuns; i++) {
    const c0 = childCpuMs();
    const out = run(process.execPath, [driver, opt.jsStore, 'open', file]);
    jr.push({ wall: JSON.parse(out.trim().split('\n').pop()).ms, cpu: childCpuMs() - c0 });
  }
  js = { wall: median(jr.map((r) => r.wall)), cpu: median(jr.map((r) => r.cpu)) };
}

// The page in Chromium.
const page = [];
if (opt.chromium && existsSync(CHROMIUM)) {
  const url = pathToFileURL(path.join(PKG, 'web', 'index.html')).href;
  const b = await launch(url);
  try {
    for (let i = 0; i < opt.pageRuns; i++) {
      if (i > 0) await b.page('Page.navigate', { url }); // a fresh page each run
      await b.waitFor("document.body && document.body.dataset.state === 'ready'");
      const ready = Number(await b.evaluate('document.body.dataset.readyMs'));
      const c0 = treeCpuMs(b.proc.pid);
      const t0 = performance.now();
      await chooseFile(b, file);
      const wall = performance.now() - t0;
      const cpu = treeCpuMs(b.proc.pid) - c0;
      const phases = JSON.parse(await b.evaluate('document.getElementById("timing").dataset.phases'));
      page.push({ ready, wall, cpu, phases });
    }
  } finally {
    await b.close();
  }
}

// The table.
const rows = [['native: open + validate ALL (mapped file)', native]];
rows.push([`WASM open(): copy in + open + validate ALL (node ${process.version})`, wasm]);
if (js) rows.push([`JS 0.2.0 store open() (readOnly), ${opt.jsRuns} run(s)`, js]);
console.log(`\nload average at the end: ${load()}; the whole bench ${f1((performance.now() - t00) / 1000)} s\n`);
console.log(`| full strict validation of ${opt.events.toLocaleString('en')} events | wall (median of ${opt.iters}) | CPU | native speed, wall | native speed, CPU | x JS open(), wall | x JS open(), CPU |`);
console.log('|---|---|---|---|---|---|---|');
for (const [name, r] of rows) {
  console.log(`| ${name} | ${f1(r.wall)} ms | ${f1(r.cpu)} ms${r.cpuRange ? ` (${r.cpuRange})` : ''} | ${(native.wall / r.wall * 100).toFixed(0)} % | `
    + `${(native.cpu / r.cpu * 100).toFixed(0)} % | ${js ? (js.wall / r.wall).toFixed(1) + 'x' : ''} | ${js ? (js.cpu / r.cpu).toFixed(1) + 'x' : ''} |`);
}
console.log(`\nWASM first open() in this node (compilation, first touch of fresh module memory): ${f1(wasmFirst.wall)} ms wall, ${f1(wasmFirst.cpu)} ms CPU`);
if (page.length) {
  console.log('\n| inspector page, Chromium, 85 MB store | load to ready | choose to shown, wall | browser CPU | in-page phases (ms) |');
  console.log('|---|---|---|---|---|');
  page.forEach((r, i) => {
    const ph = Object.entries(r.phases).map(([k, v]) => `${k} ${f1(v)}`).join(', ');
    console.log(`| run ${i + 1}${i === 0 ? ' (cold browser)' : ''} | ${f1(r.ready)} ms | ${f1(r.wall)} ms | ${f1(r.cpu)} ms | ${ph} |`);
  });
  console.log('(load + validate target: < 1 s, the sum of the first two columns)');
} else if (opt.chromium) {
  console.log(`\npage: skipped (no ${CHROMIUM})`);
}
