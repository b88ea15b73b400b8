// serve.test.mjs - the adapter in both protocols, driven as the runner
// drives it: `adapter.mjs serve` answers every corpus read case in one
// process, each answer as the manifest expects and byte-identical to what
// the per-call command gives; framing edge cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { CORPUS, PKG, readCases } from './helpers.mjs';

const ADAPTER = path.join(PKG, 'adapter.mjs');
const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
const request = (header, body) => {
  const h = Buffer.from(JSON.stringify(header));
  return Buffer.concat([u32(h.length), h, u32(body.length), body]);
};

function serve(input) {
  const r = spawnSync(process.execPath, [ADAPTER, 'serve'], { input, maxBuffer: 1 << 28 });
  return r;
}

function parseResponses(out) {
  const res = [];
  let p = 0;
  while (p < out.length) {
    assert.ok(out.length - p >= 12, 'a truncated response');
    const status = out.readUInt32BE(p);
    const o = out.readUInt32BE(p + 4);
    const stdout = out.subarray(p + 8, p + 8 + o);
    const e = out.readUInt32BE(p + 8 + o);
    const stderr = out.subarray(p + 12 + o, p + 12 + o + e);
    assert.equal(stderr.length, e, 'a truncated response');
    res.push({ status, stdout, stderr });
    p += 12 + o + e;
  }
  return res;
}

function perCall(file, profile) {
  const r = spawnSync(process.execPath, [ADAPTER, 'read', file, '--profile', profile]);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('capabilities declare read, both profiles and serve', () => {
  const r = spawnSync(process.execPath, [ADAPTER, 'capabilities']);
  assert.equal(r.status, 0);
  const c = JSON.parse(r.stdout);
  assert.deepEqual([c.read, c.write, c.migrate, c.serve, c.profiles], [true, false, false, true, ['strict', 'compat']]);
});

test('serve: every read case of the corpus in one process', () => {
  const cases = readCases();
  const input = Buffer.concat(cases.map(({ profile, file }) =>
    request({ op: 'read', profile, file, future_member: [1] }, readFileSync(file))));
  const r = serve(input);
  assert.equal(r.status, 0, r.stderr.toString());
  const res = parseResponses(r.stdout);
  assert.equal(res.length, cases.length);
  cases.forEach(({ c, profile, file }, i) => {
    const where = `${c.id}@${profile}`;
    const x = res[i];
    const want = c.expect[profile];
    if (want === 'accept') assert.equal(x.status, 0, `${where}: ${x.stderr}`);
    if (want === 'reject') assert.equal(x.status, 1, where);
    if (x.status === 0 && c.dump) assert.ok(x.stdout.equals(readFileSync(path.join(CORPUS, c.dump))), `${where}: dump`);
    if (x.status === 1) {
      const m = /^(.*):(\d+): (R-[A-Z0-9]+-\d+): .+\n$/.exec(x.stderr.toString());
      assert.ok(m, `${where}: diagnostic ${JSON.stringify(x.stderr.toString())}`);
      assert.equal(m[1], file, `${where}: the file name of the request`);
      assert.ok(c.rules.includes(m[3]), `${where}: rule ${m[3]}`);
      assert.equal(x.stdout.length, 0, `${where}: no stdout on a rejection`);
    }
  });
  // The same bytes as the per-call command, on a few cases of each verdict.
  const sample = [];
  for (const v of ['accept', 'reject']) {
    sample.push(...cases.map((k, i) => ({ ...k, i })).filter(({ c, profile }) => c.expect[profile] === v).slice(0, 3));
  }
  for (const { c, profile, file, i } of sample) {
    const p = perCall(file, profile);
    assert.deepEqual([res[i].status, res[i].stdout, res[i].stderr], [p.status, p.stdout, p.stderr], `${c.id}@${profile}`);
  }
});

test('serve: end of input at once, write/migrate unsupported, a bad header, a cut request', () => {
  let r = serve(Buffer.alloc(0));
  assert.deepEqual([r.status, r.stdout.length], [0, 0]);
  r = serve(Buffer.concat([request({ op: 'write' }, Buffer.from('{}')),
    request({ op: 'migrate', profile: 'strict' }, Buffer.alloc(3)),
    Buffer.concat([u32(3), Buffer.from('{x]'), u32(0)])]));
  assert.equal(r.status, 0);
  assert.deepEqual(parseResponses(r.stdout).map((x) => x.status), [3, 3, 2]);
  // A request cut in its body: the answers before it, then an error exit.
  const one = request({ op: 'read', profile: 'strict', file: 'x' }, Buffer.alloc(200));
  r = serve(Buffer.concat([one, one.subarray(0, 50)]));
  assert.notEqual(r.status, 0);
  assert.equal(parseResponses(r.stdout).length, 1);
});

test('per-call: a missing file is a usage error (2), an unknown profile too', () => {
  assert.equal(spawnSync(process.execPath, [ADAPTER, 'read', '/nonexistent.ace', '--profile', 'strict']).status, 2);
  assert.equal(spawnSync(process.execPath, [ADAPTER, 'read', ADAPTER, '--profile', 'x']).status, 2);
});
