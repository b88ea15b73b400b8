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

test('every read case: the same exit status, diagnostic and dump as the C CLI',
  { skip: existsSync(CLI) ? false : `no C CLI at ${CLI} (set ACEPACK_CLI)` }, () => {
    for (const { c, profile, file } of cases) {
      const where = `${c.id}@${profile}`;
      const cli = spawnSync(CLI, ['adapter', 'read', file, '--profile', profile], { maxBuffer: 1 << 28 });
      const { v, dump } = wasmRead(file, profile);
      const status = v.ok ? 0 : (v.invalid ? 1 : 3);
      assert.equal(status, cli.status, `${where}: exit status`);
      if (v.ok) assert.ok(dump.equals(cli.stdout), `${where}: dump differs from the C CLI's`);
      else assert.equal(diagnostic(file, v) + '\n', cli.stderr.toString('utf8'), `${where}: diagnostic`);
    }
  });
