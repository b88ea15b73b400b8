#!/usr/bin/env node
// acepack - the package's command line: validate, dump, explain, with the
// exit statuses of the C CLI (0 ok, 1 invalid, 2 usage/I-O, 3 unsupported).
import { readFileSync } from 'node:fs';
import { open, explain, diagnostic } from '../lib/index.js';

const USAGE = 'usage: acepack validate|dump|explain [--strict|--compat|--profile P] FILE\n';

function parse(args) {
  let profile = 'strict';
  const pos = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--strict' || args[i] === '--compat') profile = args[i].slice(2);
    else if (args[i] === '--profile') profile = args[++i];
    else pos.push(args[i]);
  }
  return { profile, pos };
}

function code(v) {
  if (v.ok) return 0;
  if (v.invalid) return 1;
  return v.status === 'unsupported' ? 3 : 2;
}

function main(argv) {
  const [cmd, ...rest] = argv;
  const { profile, pos } = parse(rest);
  if (!['validate', 'dump', 'explain'].includes(cmd) || pos.length !== 1
      || (profile !== 'strict' && profile !== 'compat')) {
    process.stderr.write(USAGE);
    return 2;
  }
  const name = pos[0];
  let bytes;
  try {
    bytes = readFileSync(name);
  } catch (e) {
    process.stderr.write(`acepack: ${name}: ${e.message}\n`);
    return 2;
  }
  if (cmd === 'explain') {
    const x = explain(bytes);
    const out = [`file:    ${name} (${x.size} bytes)`];
    for (const p of ['strict', 'compat']) {
      const v = x.verdicts[p];
      out.push(`${(p + ':').padEnd(8)} ${v.ok ? 'valid' : diagnostic(name, v)}`);
    }
    if (x.header) {
      for (const [k, v] of Object.entries(x.header)) out.push(`  ${k.padEnd(12)} ${v}`);
      for (const r of x.regions) out.push(`  [${r.start}, ${r.end}) ${r.name}`);
    }
    process.stdout.write(out.join('\n') + '\n');
    return code(x.verdicts[profile]);
  }
  const f = open(bytes, { profile });
  try {
    let v = f.verdict;
    if (v.ok && cmd === 'dump') {
      try {
        process.stdout.write(f.dump());
      } catch (e) {
        if (!e.verdict) throw e;
        v = e.verdict;
      }
    }
    if (!v.ok) {
      process.stderr.write(diagnostic(name, v) + '\n');
      return code(v);
    }
    if (cmd === 'validate') process.stdout.write(`${name}: valid (${profile})\n`);
    return 0;
  } finally {
    f.close();
  }
}

process.exitCode = main(process.argv.slice(2));
