// api.test.mjs - keys, get and the event accessors of the JS API on every
// accepted corpus case, against the content of the expected dump (made by
// the Python implementation): the API must show exactly what the dump shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { open, openBlob, validate, dump, explain, memorySize, AcepackError } from '../lib/index.js';
import { CORPUS, readCases } from './helpers.mjs';

const enc = new TextEncoder();
const hex = (b) => Buffer.from(b).toString('hex');
const byBytes = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b));

const accepted = readCases().filter(({ c, profile }) => c.expect[profile] === 'accept' && c.dump);

test('keys, get and events equal the expected dump on every accepted case', () => {
  let events = 0;
  let keys = 0;
  for (const { c, profile, file } of accepted) {
    const where = `${c.id}@${profile}`;
    const want = JSON.parse(readFileSync(path.join(CORPUS, c.dump), 'utf8'));
    const f = open(readFileSync(file), { profile });
    try {
      assert.ok(f.ok, where);
      const h = f.header();
      assert.equal(h.version, want.format_version, `${where}: version`);
      // The dump's flags clear bit 16 (segmented event log: placement, not content; spec D-3).
      assert.equal(h.flags & ~0x10000, want.flags, `${where}: flags`);
      assert.equal(String(h.evtBaseId), want.evt_base_id, `${where}: evt_base_id`);
      // Keys: the API lists them in file order, the dump sorted (D-6).
      const entries = [...f.entries()];
      const got = entries.map((e) => e.keyBytes).sort(byBytes);
      const kv = want.kv.filter((e) => e.key.isWellFormed());
      if (kv.length === want.kv.length) {
        assert.deepEqual(got.map(hex), kv.map((e) => hex(enc.encode(e.key))), `${where}: keys`);
      }
      for (const e of entries) assert.ok(enc.encode(e.key).length >= 0);
      for (const e of kv) {
        assert.equal(hex(f.get(e.key)), e.value_hex, `${where}: get(${JSON.stringify(e.key)})`);
        keys++;
      }
      assert.equal(f.get('\u0000no such key\u0000'), undefined, `${where}: a missing key`);
      // Events: every accessor, and the columns.
      assert.equal(f.eventCount, want.events.length, `${where}: event count`);
      const kinds = f.kindColumn();
      const ts = f.tsColumn();
      want.events.forEach((e, i) => {
        assert.equal(String(f.idAt(i)), e.id, `${where}: id ${i}`);
        assert.equal(f.tsBigAt(i), BigInt(e.ts), `${where}: ts ${i}`);
        if (BigInt(e.ts) <= BigInt(Number.MAX_SAFE_INTEGER)) {
          assert.equal(f.tsAt(i), Number(e.ts), `${where}: tsAt ${i}`);
          assert.equal(ts[i], Number(e.ts), `${where}: tsColumn ${i}`);
        }
        assert.equal(f.kindAt(i), e.kind, `${where}: kind ${i}`);
        assert.equal(kinds[i], e.kind, `${where}: kindColumn ${i}`);
        assert.equal(f.sourceAt(i), e.source, `${where}: source ${i}`);
        assert.equal(f.flagsAt(i), e.flags, `${where}: flags ${i}`);
        assert.equal(hex(f.payloadAt(i)), e.payload_hex, `${where}: payload ${i}`);
        events++;
      });
      const n = want.events.length;
      assert.equal(f.kindAt(n), -1, `${where}: kindAt past the end`);
      assert.equal(f.payloadAt(n).length, 0, `${where}: payloadAt past the end`);
    } finally {
      f.close();
    }
  }
  assert.ok(events > 50 && keys > 100, `only ${events} events, ${keys} keys checked`);
});

test('a rejected file: verdict fields, and dump/get/keys throw AcepackError', () => {
  // Shorter than a header: R-HDR-1, a rule about the whole file, so the
  // offset is the file size (spec 7.2).
  const bad = new Uint8Array(10);
  const v = validate(bad);
  assert.deepEqual([v.ok, v.status, v.rule, v.offset], [false, 'truncated', 'R-HDR-1', 10]);
  assert.equal(typeof v.message, 'string');
  const f = open(bad, { profile: 'compat' });
  assert.equal(f.header(), null);
  assert.equal(f.eventCount, 0);
  assert.throws(() => f.dump(), AcepackError);
  assert.throws(() => f.get('a'), AcepackError);
  assert.throws(() => [...f.keys()], AcepackError);
  f.close();
  f.close(); // idempotent
  assert.throws(() => f.verdict, /closed/);
  assert.throws(() => open(bad, { profile: 'lenient' }), TypeError);
  assert.throws(() => open('not bytes'), TypeError);
});

test('dump() and explain() of a valid file', () => {
  const c = accepted.find(({ c: k }) => k.id === 'header/y_empty_store');
  const bytes = readFileSync(c.file);
  const d = dump(bytes, { profile: 'strict' });
  assert.ok(d.verdict.ok);
  assert.ok(Buffer.from(d.dump).equals(readFileSync(path.join(CORPUS, c.c.dump))));
  const x = explain(bytes);
  assert.ok(x.verdicts.strict.ok && x.verdicts.compat.ok);
  assert.equal(x.header.version, 2);
  assert.equal(x.regions[0].name, 'header');
  assert.equal(x.regions.reduce((n, r) => n + (r.end - r.start), 0), bytes.length,
    'the regions of a canonical file cover it exactly');
});

test('memory: the file is copied once, and closed files give their memory back', () => {
  const bytes = readFileSync(accepted[0].file);
  const big = new Uint8Array(4 << 20);
  big.set(bytes);
  open(big).close(); // the allocator reaches its working size
  const base = memorySize();
  for (let i = 0; i < 100; i++) open(big).close();
  assert.equal(memorySize(), base, 'closed files left memory in use');
  // Two files open at once: the second needs its own copy, no more.
  const a = open(big);
  const b = open(big);
  const grown = memorySize() - base;
  assert.ok(grown <= big.length + (1 << 20), `grew by ${grown} bytes for a ${big.length}-byte file`);
  a.close();
  b.close();
});

test('the module imports nothing: any engine instantiates it with {}', () => {
  const m = new WebAssembly.Module(readFileSync(new URL('../dist/acepack.wasm', import.meta.url)));
  assert.deepEqual(WebAssembly.Module.imports(m), []);
  const names = WebAssembly.Module.exports(m).map((e) => e.name);
  assert.ok(names.includes('memory') && names.includes('apw_open'), String(names));
});

test('files never closed are freed once garbage collected (FinalizationRegistry)', async () => {
  const { spawnSync } = await import('node:child_process');
  const script = `
    import { open, memorySize } from ${JSON.stringify(new URL('../lib/index.js', import.meta.url).href)};
    const big = new Uint8Array(4 << 20);
    const round = () => { for (let i = 0; i < 8; i++) open(big); };  // never closed
    const tick = () => new Promise((r) => setTimeout(r, 20));
    round();
    for (let i = 0; i < 5; i++) { globalThis.gc(); await tick(); }
    const base = memorySize();
    for (let k = 0; k < 5; k++) { round(); for (let i = 0; i < 5; i++) { globalThis.gc(); await tick(); } }
    console.log(JSON.stringify({ base, after: memorySize() }));`;
  const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const { base, after } = JSON.parse(r.stdout);
  assert.ok(base >= 8 * (4 << 20), `the first round held its files: ${base}`);
  assert.ok(after <= base + (4 << 20), `memory grew from ${base} to ${after}: unclosed files were not freed`);
});

// Both profiles' cases: a file strict rejects and compat accepts, read
// through openBlob in slices smaller than the file, then reopened.
test('openBlob, reopen and bytes: the same verdicts and dumps as open, one copy', async () => {
  const mixed = readCases().filter(({ c, profile }) => profile === 'strict'
    && c.expect.strict === 'reject' && c.expect.compat === 'accept' && c.dump);
  assert.ok(mixed.length > 0);
  for (const { c, file } of mixed.slice(0, 20)) {
    const bytes = readFileSync(file);
    const phases = {};
    const s = await openBlob(new Blob([bytes]), { profile: 'strict', phases });
    assert.ok(phases.read >= 0 && phases.validate >= 0, JSON.stringify(phases));
    const k = s.reopen({ profile: 'compat' });
    try {
      assert.equal(s.verdict.ok, false, `${c.id}: strict accepted`);
      assert.equal(k.profile, 'compat');
      assert.ok(k.verdict.ok, `${c.id}: compat rejected`);
      assert.ok(Buffer.from(k.dump()).equals(readFileSync(path.join(CORPUS, c.dump))), `${c.id}: dump`);
      assert.ok(Buffer.from(s.bytes()).equals(bytes), `${c.id}: bytes()`);
      assert.deepEqual([...k.bytes(3, 9)], [...bytes.subarray(3, 9)]);
      assert.deepEqual([...k.bytes(-5, bytes.length + 9)], [...bytes], 'clamped');
      assert.equal(k.bytes(9, 3).length, 0);
    } finally {
      s.close(); // the compat file keeps the shared bytes alive
    }
    assert.ok(Buffer.from(k.bytes()).equals(bytes), `${c.id}: bytes after the other file closed`);
    k.close();
  }
  // A blob larger than one slice (8 MiB), and memory reused after both close.
  const big = new Uint8Array((8 << 20) + 12345);
  big.set(readFileSync(accepted[0].file));
  for (let i = 0; i < 9; i++) big[(8 << 20) + i] = i + 1;
  const f = await openBlob(new Blob([big]));
  assert.deepEqual([...f.bytes((8 << 20) - 1, (8 << 20) + 10)], [...big.subarray((8 << 20) - 1, (8 << 20) + 10)]);
  f.reopen({ profile: 'compat' }).close();
  f.close();
  // A Blob whose stream is not a byte stream: read in slices instead.
  const blob = new Blob([big]);
  const plain = { size: blob.size, slice: (a, b) => blob.slice(a, b), stream: () => new ReadableStream() };
  const g = await openBlob(plain);
  assert.ok(Buffer.from(g.bytes()).equals(big), 'bytes read in slices');
  assert.equal(g.verdict.ok, validate(big).ok);
  g.close();
  // A blob that is shorter than it said: an error, and the memory freed.
  const short = { size: blob.size + 1, slice: (a, b) => blob.slice(a, b), stream: () => new ReadableStream() };
  await assert.rejects(openBlob(short), /changed while it was read/);
  const base = memorySize();
  for (let i = 0; i < 5; i++) {
    const a = await openBlob(new Blob([big]));
    const b = a.reopen({ profile: 'compat' });
    b.close();
    a.close();
  }
  assert.equal(memorySize(), base, 'openBlob/reopen left memory in use');
});
