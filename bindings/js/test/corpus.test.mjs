// corpus.test.mjs - the WebAssembly reader on every read case of the corpus,
// judged against the manifest (verdict, rule, offset, dump bytes: from the
// Python implementation) and against the C CLI (`acepack adapter read`, the
// same library built natively) run in this test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { open, diagnostic } from '../lib/index.js';
import { CORPUS, CLI, readCases } from './helpers.mjs';

const cases = readCases();

function wasmRead(file, profile) {
  const f = open(readFileSync(file), { profile });
  try {
    const v = f.verdict;
    return { v, dump: v.ok ? Buffer.from(f.dump()) : null };
  } finally {
    f.close();
  }
}

test('the corpus has read cases', () => {
  assert.ok(cases.length > 500, `only ${cases.length} (case, profile) pairs`);
});

test('every read case: the verdict, rule, offset and dump the manifest expects', () => {
  let compared = 0;
  let offsets = 0;
  for (const { c, profile, file } of cases) {
    const where = `${c.id}@${profile}`;
    const { v, dump } = wasmRead(file, profile);
    const want = c.expect[profile];
    if (want === 'accept') assert.ok(v.ok, `${where}: rejected: ${diagnostic(c.path, v)}`);
    if (want === 'reject') assert.ok(!v.ok, `${where}: accepted`);
    if (v.ok && c.dump) {
      const expected = readFileSync(path.join(CORPUS, c.dump));
      assert.ok(dump.equals(expected), `${where}: dump differs from ${c.dump}`);
      compared++;
    }
    if (!v.ok && v.invalid) {
      assert.ok(c.rules.includes(v.rule), `${where}: rule ${v.rule} is not one the case lists`);
      // As the conformance runner does: a file may break several rules; the
      // offset is compared when the rule is the one the manifest names.
      const exp = c.offset && c.offset[profile];
      if (exp && exp.rule === v.rule) {
        assert.equal(v.offset, exp.at, `${where}: offset of ${v.rule}`);
        offsets++;
      }
    }
  }
  assert.ok(compared > 100, `only ${compared} dumps compared`);
  assert.ok(offsets > 400, `only ${offsets} offsets compared`);
});

// The C CLI's answers for every case: in one `acepack adapter serve` process
// when the CLI has the persistent protocol, else one process per call.
function cliAnswers() {
  const caps = JSON.parse(spawnSync(CLI, ['adapter', 'capabilities']).stdout);
  if (!caps.serve) {
    return cases.map(({ profile, file }) =>
      spawnSync(CLI, ['adapter', 'read', file, '--profile', profile], { maxBuffer: 1 << 28 }));
  }
  const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
  const input = Buffer.concat(cases.map(({ profile, file }) => {
    const h = Buffer.from(JSON.stringify({ op: 'read', profile, file }));
    const body = readFileSync(file);
    return Buffer.concat([u32(h.length), h, u32(body.length), body]);
  }));
  const r = spawnSync(CLI, ['adapter', 'serve'], { input, maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, `acepack adapter serve: ${r.stderr}`);
  const out = [];
  for (let p = 0; p < r.stdout.length;) {
    const status = r.stdout.readUInt32BE(p);
    const o = r.stdout.readUInt32BE(p + 4);
    const e = r.stdout.readUInt32BE(p + 8 + o);
    out.push({ status, stdout: r.stdout.subarray(p + 8, p + 8 + o), stderr: r.stdout.subarray(p + 12 + o, p + 12 + o + e) });
    p += 12 + o + e;
  }
  assert.equal(out.length, cases.length, 'one C answer per case');
  return out;
}

test('every read case: the same exit status, diagnostic and dump as the C CLI',
  { skip: existsSync(CLI) ? false : `no C CLI at ${CLI} (set ACEPACK_CLI)` }, () => {
    const answers = cliAnswers();
    for (const [i, { c, profile, file }] of cases.entries()) {
      const where = `${c.id}@${profile}`;
      const cli = answers[i];
      const { v, dump } = wasmRead(file, profile);
      const status = v.ok ? 0 : (v.invalid ? 1 : 3);
      assert.equal(status, cli.status, `${where}: exit status`);
      if (v.ok) assert.ok(dump.equals(cli.stdout), `${where}: dump differs from the C CLI's`);
      else assert.equal(diagnostic(file, v) + '\n', cli.stderr.toString('utf8'), `${where}: diagnostic`);
    }
  });
