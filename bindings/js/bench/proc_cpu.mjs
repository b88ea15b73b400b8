// proc_cpu.mjs - CPU time (user + system, ms) of a process tree, from
// /proc (Linux): what a browser and its renderers really spent, which a
// loaded machine does not inflate the way it inflates wall time.
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on every Linux ABI node runs on

function stat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) in parentheses.
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) * TICK_MS };
  } catch {
    return null; // gone meanwhile
  }
}

/** CPU ms of `root` and all its live descendants. */
export function treeCpuMs(root) {
  const all = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = stat(d);
    if (s) all.set(Number(d), s);
  }
  const keep = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, s] of all) if (!keep.has(pid) && keep.has(s.ppid)) { keep.add(pid); grew = true; }
  }
  let ms = 0;
  for (const pid of keep) if (all.has(pid)) ms += all.get(pid).cpu;
  return ms;
}
