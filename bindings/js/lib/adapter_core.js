// adapter_core.js - one `read` operation of the conformance adapter protocol
// (conformance/README.md), as a pure function of (bytes, profile, name) ->
// {status, stdout, stderr}: the per-call command and the persistent `serve`
// protocol both answer with it, so they cannot disagree.
import { open, diagnostic } from './index.js';

const enc = new TextEncoder();
const EMPTY = new Uint8Array(0);

// The exit statuses of the protocol (HELPERS.md), from the library status
// exactly as the C CLI maps them (tools/acepack/errors.c).
export function exitCode(verdict) {
  if (verdict.ok) return 0;
  if (verdict.invalid || verdict.status === 'not_found') return 1;
  if (verdict.status === 'unsupported' || verdict.status === 'nomem') return 3;
  return 2;
}

export function readOp(bytes, profile, name) {
  const f = open(bytes, { profile });
  try {
    let v = f.verdict;
    let out = EMPTY;
    if (v.ok) {
      try {
        out = f.dump();
      } catch (e) {
        if (!e.verdict) throw e;
        v = e.verdict;
      }
    }
    if (!v.ok) return { status: exitCode(v), stdout: EMPTY, stderr: enc.encode(diagnostic(name, v) + '\n') };
    return { status: 0, stdout: out, stderr: EMPTY };
  } finally {
    f.close();
  }
}

export const CAPABILITIES = {
  read: true, write: false, migrate: false, profiles: ['strict', 'compat'], serve: true,
  name: 'wasm',
};
