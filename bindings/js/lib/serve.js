// serve.js - the persistent adapter protocol (HELPERS.md, "serve"): framed
// requests on stdin, framed responses on stdout, in order, exit 0 at end of
// input.  u32 big-endian everywhere.
//   request:  u32 H, H bytes of JSON header, u32 B, B bytes of body
//   response: u32 STATUS, u32 O, O bytes stdout, u32 E, E bytes stderr
import { readOp } from './adapter_core.js';

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8');

function u32(n) {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, false);
  return b;
}

// What the per-call command would answer for one request.
export function answer(header, body) {
  let h;
  try {
    h = JSON.parse(dec.decode(header));
  } catch (e) {
    return { status: 2, stdout: new Uint8Array(0), stderr: enc.encode(`serve: bad header: ${e.message}\n`) };
  }
  if (h === null || typeof h !== 'object') {
    return { status: 2, stdout: new Uint8Array(0), stderr: enc.encode('serve: header is not an object\n') };
  }
  try {
    if (h.op === 'read') {
      const profile = h.profile === undefined ? 'strict' : h.profile;
      if (profile !== 'strict' && profile !== 'compat') {
        return { status: 2, stdout: new Uint8Array(0), stderr: enc.encode(`serve: unknown profile ${profile}\n`) };
      }
      return readOp(body, profile, typeof h.file === 'string' ? h.file : '<stdin>');
    }
    if (h.op === 'write' || h.op === 'migrate') {
      return { status: 3, stdout: new Uint8Array(0), stderr: enc.encode(`adapter: '${h.op}' is not supported (a reader only)\n`) };
    }
    return { status: 2, stdout: new Uint8Array(0), stderr: enc.encode(`serve: unknown op ${h.op}\n`) };
  } catch (e) {
    // The per-call command exits 4 on an internal error: so does this answer.
    return { status: 4, stdout: new Uint8Array(0), stderr: enc.encode(`adapter: internal error: ${e && e.stack ? e.stack : e}\n`) };
  }
}

export function frame(r) {
  const parts = [u32(r.status), u32(r.stdout.length), r.stdout, u32(r.stderr.length), r.stderr];
  return Buffer.concat(parts);
}

// Reads frames from `input` (a Readable) and answers on `output` (a
// Writable), waiting for 'drain' so that a large dump is not buffered twice.
export async function serve(input, output) {
  let buf = Buffer.alloc(0);
  let pos = 0;
  const need = async (n, it) => {
    while (buf.length - pos < n) {
      const { value, done } = await it.next();
      if (done) return false;
      buf = Buffer.concat([buf.subarray(pos), value]);
      pos = 0;
    }
    return true;
  };
  const it = input[Symbol.asyncIterator]();
  for (;;) {
    if (!(await need(4, it))) {
      if (buf.length - pos === 0) return 0;
      throw new Error('serve: end of input inside a request');
    }
    const hl = buf.readUInt32BE(pos);
    if (!(await need(4 + hl + 4, it))) throw new Error('serve: end of input inside a request');
    const header = buf.subarray(pos + 4, pos + 4 + hl);
    const bl = buf.readUInt32BE(pos + 4 + hl);
    if (!(await need(4 + hl + 4 + bl, it))) throw new Error('serve: end of input inside a request');
    const body = buf.subarray(pos + 8 + hl, pos + 8 + hl + bl);
    const r = answer(header, body);
    pos += 8 + hl + bl;
    if (!output.write(frame(r))) await new Promise((res) => output.once('drain', res));
  }
}
