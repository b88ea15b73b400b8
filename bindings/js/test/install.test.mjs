// install.test.mjs - the folder is an npm package: `npm pack` it, install the
// tarball into a scratch project offline (no dependencies to fetch), then
// validate a corpus file through the installed module and its `acepack` bin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PKG, CORPUS } from './helpers.mjs';

const npm = process.env.NPM || 'npm';
const run = (cmd, args, cwd) => {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_cache: path.join(cwd, '.npm-cache') } });
  return r;
};

test('npm install of the packed folder into a scratch project, then validate', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'acepack-npm-'));
  try {
    let r = run(npm, ['pack', PKG, '--pack-destination', dir, '--silent'], dir);
    assert.equal(r.status, 0, r.stderr);
    const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    assert.ok(tgz, 'npm pack made a tarball');
    const proj = path.join(dir, 'proj');
    spawnSync('mkdir', [proj]);
    writeFileSync(path.join(proj, 'package.json'), JSON.stringify({ name: 'scratch', version: '1.0.0', type: 'module' }));
    r = run(npm, ['install', path.join(dir, tgz), '--offline', '--no-audit', '--no-fund'], proj);
    assert.equal(r.status, 0, r.stderr);
    const good = path.join(CORPUS, 'header', 'y_empty_store.ace');
    const bad = path.join(CORPUS, 'header', 'n_magic_byte0.ace');
    writeFileSync(path.join(proj, 'check.mjs'), `
      import { readFileSync } from 'node:fs';
      import { validate, version } from '@libacepack/reader';
      const out = [version()];
      for (const f of process.argv.slice(2)) { const v = validate(readFileSync(f)); out.push([v.ok, v.rule, v.offset]); }
      console.log(JSON.stringify(out));`);
    r = run(process.execPath, ['check.mjs', good, bad], proj);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), ['0.1.0', [true, null, null], [false, 'R-HDR-2', 0]]);
    const bin = path.join(proj, 'node_modules', '.bin', 'acepack');
    r = run(bin, ['validate', good], proj);
    assert.deepEqual([r.status, r.stdout], [0, `${good}: valid (strict)\n`]);
    r = run(bin, ['dump', '--compat', bad], proj);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /n_magic_byte0\.ace:0: R-HDR-2: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
