// dts.test.mjs - index.d.ts against the module: every value the module
// exports is declared and every declared value exists, and the declared
// members of AcepackFile are exactly its prototype's (no TypeScript needed:
// the declarations are parsed for their names only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as api from '../lib/index.js';

const dts = readFileSync(new URL('../index.d.ts', import.meta.url), 'utf8');

function declaredValues() {
  const names = new Set();
  for (const m of dts.matchAll(/^export (?:declare )?(?:function|class|const) (\w+)/gm)) names.add(m[1]);
  return [...names].sort();
}

function classBody(name) {
  const start = dts.indexOf(`export class ${name}`);
  assert.ok(start >= 0, `class ${name} is declared`);
  return dts.slice(dts.indexOf('{', start) + 1, dts.indexOf('\n}', start));
}

test('the exported values are the declared ones', () => {
  assert.deepEqual(declaredValues(), Object.keys(api).sort());
});

test('the declared members of AcepackFile are its real members', () => {
  const body = classBody('AcepackFile');
  const declared = new Set();
  for (const m of body.matchAll(/^\s+(?:readonly |private )?(\w+)(?:\(|:)/gm)) declared.add(m[1]);
  declared.delete('constructor');
  const proto = api.AcepackFile.prototype;
  const real = Object.getOwnPropertyNames(proto).filter((n) => n !== 'constructor' && !n.startsWith('_'));
  // Fields set in the constructor (profile, size) are not on the prototype.
  const fields = ['profile', 'size'];
  assert.deepEqual([...declared].sort(), [...real, ...fields].sort());
});

test('the declared functions have the parameters of the real ones', () => {
  let n = 0;
  for (const m of dts.matchAll(/^export function (\w+)\(([^)]*)\)/gm)) {
    const params = m[2].split(',').filter((p) => p.trim()).length;
    assert.equal(api[m[1]].length, params, `${m[1]}: parameters`);
    n++;
  }
  assert.ok(n >= 7, `only ${n} functions declared`);
});
