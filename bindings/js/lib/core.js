// core.js - the JavaScript face of the WebAssembly reader (dist/acepack.wasm,
// built from src/ and src/glue.c).  Environment-free: no imports, no Node
// or DOM API, so the same file serves Node (lib/index.js gives it the .wasm
// bytes from disk) and the browser (tools/build_web.mjs bundles it with the
// bytes in base64 for file:// pages).  The last statement is the one export
// list; the web build relies on that.
//
// One WebAssembly.Module is compiled and one Instance created per JS realm,
// on first use; every AcepackFile is a handle into that instance's memory
// (its bytes, copied once, and the reader over them).

const PROFILES = { strict: 0, compat: 1 };
// The order of apw_field() in src/glue.c.
const FIELDS = ['version', 'flags', 'indexOffset', 'indexLength', 'chunkEnd', 'evtOffset',
  'evtLength', 'evtCount', 'evtBaseId', 'eventCount', 'entryCount'];
const STATUS_UNSUPPORTED = 6;
const STATUS_NOT_FOUND = 8;

let wasmSource = null; // () => Uint8Array, set by the environment
let wasm = null; // the instance's exports
let heapBuffer = null;
let heapU8 = null;
const utf8 = new TextDecoder('utf-8', { fatal: false });
const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const utf8Enc = new TextEncoder();

// The registry frees what a forgotten (never closed) file holds when it is
// garbage collected: a safety net, close() is the way.
const registry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((handle) => { if (wasm) wasm.apw_close(handle); })
  : null;

function provideWasm(source) {
  wasmSource = source;
}

function exportsOf() {
  if (wasm === null) {
    if (wasmSource === null) throw new Error('acepack: no WebAssembly module was provided');
    const module = new WebAssembly.Module(wasmSource());
    wasm = new WebAssembly.Instance(module, {}).exports;
  }
  return wasm;
}

// A Uint8Array over the whole memory, renewed when memory.grow() replaced
// the buffer (the old one is then detached).
function heap() {
  const buf = wasm.memory.buffer;
  if (buf !== heapBuffer) {
    heapBuffer = buf;
    heapU8 = new Uint8Array(buf);
  }
  return heapU8;
}

function cString(ptr) {
  if (ptr === 0) return null;
  const h = heap();
  let end = ptr;
  while (h[end] !== 0) end++;
  return utf8.decode(h.subarray(ptr, end));
}

function profileNumber(profile) {
  const p = profile === undefined ? 'strict' : profile;
  if (!Object.prototype.hasOwnProperty.call(PROFILES, p)) {
    throw new TypeError(`acepack: unknown profile ${JSON.stringify(p)} (strict or compat)`);
  }
  return PROFILES[p];
}

function asBytes(data) {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError('acepack: expected a Uint8Array, an ArrayBuffer or a typed array view');
}

// The error that a failed call throws; `verdict` says why.
class AcepackError extends Error {
  constructor(verdict) {
    super(verdict.rule
      ? `${verdict.offset}: ${verdict.rule}: ${verdict.message}`
      : `${verdict.message || verdict.status}`);
    this.name = 'AcepackError';
    this.verdict = verdict;
  }
}

function statusName(code) {
  return cString(exportsOf().apw_status_name(code));
}

// Module memory for `size` bytes of a file (apw_alloc), or a RangeError.
function allocFile(size) {
  const ptr = exportsOf().apw_alloc(size);
  if (ptr === 0) throw new RangeError('acepack: out of WebAssembly memory for the file');
  return ptr;
}

// Private: makes AcepackFile's constructor take a handle instead of bytes.
const FROM_HANDLE = Symbol('handle');

class AcepackFile {
  constructor(bytes, profile, handle) {
    const w = exportsOf();
    const p = profileNumber(profile);
    let size;
    if (bytes === FROM_HANDLE) {
      size = handle.size;
      handle = handle.h;
    } else {
      const src = asBytes(bytes);
      size = src.length;
      const ptr = allocFile(size);
      heap().set(src, ptr); // the one copy of the caller's bytes
      handle = w.apw_open(ptr, size, p);
    }
    if (handle === 0) throw new RangeError('acepack: out of WebAssembly memory');
    this._h = handle;
    this.profile = profile === undefined ? 'strict' : profile;
    this.size = size;
    this._verdict = null;
    if (registry) registry.register(this, handle, this);
  }

  /** The same bytes opened under another profile: no copy (the module
   *  keeps them until both files are closed). */
  reopen(options) {
    const profile = options && options.profile;
    const h = wasm.apw_reopen(this._handle(), profileNumber(profile));
    return new AcepackFile(FROM_HANDLE, profile, { h, size: this.size });
  }

  /** A copy of the file's bytes [start, end) (clamped to the file), read
   *  from the module memory: for hex views of a file opened with openBlob. */
  bytes(start = 0, end = this.size) {
    const p = wasm.apw_data_ptr(this._handle());
    const a = Math.min(Math.max(0, start), this.size);
    const b = Math.min(Math.max(a, end), this.size);
    return heap().slice(p + a, p + b);
  }

  _handle() {
    if (this._h === 0) throw new Error('acepack: the file was closed');
    return this._h;
  }

  /** Frees the module memory this file holds.  Idempotent. */
  close() {
    if (this._h !== 0) {
      if (registry) registry.unregister(this);
      wasm.apw_close(this._h);
      this._h = 0;
    }
  }

  dispose() { this.close(); }

  /** {ok, status, code, rule, offset, message} of the full validation. */
  get verdict() {
    const h = this._handle();
    if (this._verdict === null) {
      const code = wasm.apw_status(h);
      this._verdict = code === 0
        ? { ok: true, status: 'ok', code: 0, rule: null, offset: null, message: null }
        : {
          ok: false,
          status: statusName(code),
          code,
          invalid: wasm.apw_status_is_invalid(code) === 1,
          rule: cString(wasm.apw_err_rule(h)),
          offset: wasm.apw_err_offset(h),
          message: cString(wasm.apw_err_message(h)),
        };
    }
    return this._verdict;
  }

  get ok() { return this.verdict.ok; }

  _require() {
    const h = this._handle();
    if (!this.verdict.ok) throw new AcepackError(this.verdict);
    return h;
  }

  /** The header and layout fields (acepack_reader), or null when the open failed. */
  header() {
    const h = this._handle();
    if (!this.verdict.ok) return null;
    const out = {};
    FIELDS.forEach((name, i) => { out[name] = wasm.apw_field(h, i); });
    return out;
  }

  /** The conformance dump (spec 11) as bytes. */
  dump() {
    const h = this._require();
    const s = wasm.apw_dump(h);
    if (s !== 0) {
      this._verdict = null;
      if (s === STATUS_UNSUPPORTED) {
        throw new AcepackError({ ok: false, status: 'unsupported', code: s, rule: null,
          offset: null, message: 'out of WebAssembly memory for the dump' });
      }
      throw new AcepackError(this.verdict);
    }
    const p = wasm.apw_out_ptr(h);
    return heap().slice(p, p + wasm.apw_out_len(h));
  }

  /** Every key that counts (file order; in compat a repeated key once, at
   *  its last place), with its value: {key, keyBytes, value, entryOffset, chunkOffset}. */
  * entries() {
    const h = this._require();
    wasm.apw_iter_reset(h);
    for (;;) {
      const r = wasm.apw_iter_next(h);
      if (r === 0) return;
      if (r < 0) throw new RangeError('acepack: out of WebAssembly memory for the keys');
      const kp = wasm.apw_out_ptr(h);
      const keyBytes = heap().slice(kp, kp + wasm.apw_out_len(h));
      const vp = wasm.apw_val_ptr(h);
      const value = heap().slice(vp, vp + wasm.apw_val_len(h));
      yield {
        key: utf8.decode(keyBytes), keyBytes, value,
        entryOffset: wasm.apw_entry_offset(h), chunkOffset: wasm.apw_entry_chunk(h),
      };
    }
  }

  /** The keys as strings (see entries()). */
  * keys() {
    for (const e of this.entries()) yield e.key;
  }

  /** The value of a key (string or its UTF-8 bytes), or undefined. */
  get(key) {
    const h = this._require();
    const k = typeof key === 'string' ? utf8Enc.encode(key) : asBytes(key);
    const kp = wasm.apw_alloc(k.length);
    if (kp === 0) throw new RangeError('acepack: out of WebAssembly memory');
    heap().set(k, kp);
    const s = wasm.apw_get(h, kp, k.length);
    wasm.apw_free(kp);
    if (s === STATUS_NOT_FOUND) return undefined;
    if (s !== 0) throw new RangeError('acepack: out of WebAssembly memory for the key table');
    const vp = wasm.apw_val_ptr(h);
    return heap().slice(vp, vp + wasm.apw_val_len(h));
  }

  /** The value as text (UTF-8), or undefined. */
  getText(key) {
    const v = this.get(key);
    return v === undefined ? undefined : utf8.decode(v);
  }

  /** N, the number of events (0 for v1 files and for files that failed). */
  get eventCount() { return wasm.apw_event_count(this._handle()); }

  // Column accessors: numbers, no object per event.  An index out of range
  // gives -1 (and payloadAt an empty array).
  kindAt(i) { return wasm.apw_event_kind(this._h, i >>> 0); }
  sourceAt(i) { return wasm.apw_event_source(this._h, i >>> 0); }
  flagsAt(i) { return wasm.apw_event_flags(this._h, i >>> 0); }
  deletedAt(i) { return (wasm.apw_event_flags(this._h, i >>> 0) & 1) === 1; }
  /** ts as a number: exact up to 2^53-1, which strict guarantees. */
  tsAt(i) { return wasm.apw_event_ts(this._h, i >>> 0); }
  /** ts as a BigInt: exact for any u64 (compat). */
  tsBigAt(i) { return BigInt.asUintN(64, wasm.apw_event_ts64(this._h, i >>> 0)); }
  idAt(i) { return wasm.apw_event_id(this._h, i >>> 0); }
  payloadAt(i) {
    const p = wasm.apw_event_payload_ptr(this._h, i >>> 0);
    return heap().slice(p, p + (p === 0 ? 0 : wasm.apw_event_payload_len(this._h, i >>> 0)));
  }
  payloadTextAt(i) { return utf8.decode(this.payloadAt(i)); }

  _byteColumn(which) {
    const h = this._require();
    const n = wasm.apw_event_count(h);
    const p = wasm.apw_alloc(n);
    if (p === 0) throw new RangeError('acepack: out of WebAssembly memory');
    wasm.apw_event_column(h, which, p);
    const out = heap().slice(p, p + n);
    wasm.apw_free(p);
    return out;
  }

  /** Whole columns, copied once: for scans over every event. */
  kindColumn() { return this._byteColumn(0); }
  sourceColumn() { return this._byteColumn(1); }
  flagsColumn() { return this._byteColumn(2); }
  tsColumn() {
    const h = this._require();
    const n = wasm.apw_event_count(h);
    const p = wasm.apw_alloc(n * 8);
    if (p === 0) throw new RangeError('acepack: out of WebAssembly memory');
    wasm.apw_event_ts_column(h, p);
    const out = new Float64Array(heap().buffer.slice(p, p + n * 8));
    wasm.apw_free(p);
    return out;
  }
}

if (typeof Symbol.dispose === 'symbol') {
  AcepackFile.prototype[Symbol.dispose] = AcepackFile.prototype.close;
}

/** Opens and fully validates `bytes` under a profile; the caller closes it. */
function open(bytes, options) {
  return new AcepackFile(bytes, options && options.profile);
}

// How openBlob reads.  Measured in Chromium 156 on the 85 MB store (CPU
// time of the browser's processes from choosing the file to the page shown,
// load average ~20): blob.stream()'s own chunks 1.7..3.9 s, one
// arrayBuffer() of the whole file 1.5 s, 8 MiB slices 1.5..1.9 s, a BYOB
// reader filling one 1 MiB buffer 0.9..1.2 s.  Fresh memory is what costs
// (every new page is faulted in), so the one buffer is reused; slices are
// the fallback where a Blob's stream is not a byte stream.
const BLOB_BUFFER = 1 << 20;
const BLOB_SLICE = 8 << 20;

// A reader that fills a buffer of ours (BYOB), or null where the Blob's
// stream is not a byte stream.
function byobReader(blob) {
  try {
    return blob.stream().getReader({ mode: 'byob' });
  } catch (e) {
    return null;
  }
}

/** Opens a Blob (a browser's File, or Node's Blob) like open(), its bytes
 *  read through a small buffer straight into the module memory: the file
 *  is never held whole in a JS buffer too (an 85 MB store costs 85 MB, not 170). */
async function openBlob(blob, options) {
  const profile = options && options.profile;
  const phases = options && options.phases; // {read, validate} ms, for the curious
  const p = profileNumber(profile);
  const t0 = Date.now();
  const size = blob.size;
  const ptr = allocFile(size);
  let at = 0;
  try {
    const put = (value) => {
      if (value.length > size - at) throw new Error('acepack: the blob changed while it was read');
      // heap() again each time: another open during an await may grow the memory.
      heap().set(value, ptr + at);
      at += value.length;
    };
    const reader = byobReader(blob);
    if (reader) {
      // One buffer, filled again and again: no fresh memory per chunk.
      let buf = new ArrayBuffer(BLOB_BUFFER);
      for (;;) {
        const { done, value } = await reader.read(new Uint8Array(buf));
        if (done) break;
        put(value);
        buf = value.buffer; // the same memory, handed back
      }
    } else {
      while (at < size) {
        const value = new Uint8Array(await blob.slice(at, Math.min(size, at + BLOB_SLICE)).arrayBuffer());
        if (value.length === 0) break;
        put(value);
      }
    }
    if (at !== size) throw new Error('acepack: the blob changed while it was read');
  } catch (e) {
    wasm.apw_free(ptr);
    throw e;
  }
  const t1 = Date.now();
  const f = new AcepackFile(FROM_HANDLE, profile, { h: wasm.apw_open(ptr, size, p), size });
  if (phases) {
    phases.read = t1 - t0;
    phases.validate = Date.now() - t1;
  }
  return f;
}

/** The verdict of the full validation, the file closed again. */
function validate(bytes, options) {
  const f = open(bytes, options);
  try {
    return f.verdict;
  } finally {
    f.close();
  }
}

/** {verdict, dump}: the conformance dump (null when rejected). */
function dumpFile(bytes, options) {
  const f = open(bytes, options);
  try {
    if (!f.verdict.ok) return { verdict: f.verdict, dump: null };
    try {
      return { verdict: f.verdict, dump: f.dump() };
    } catch (e) {
      if (e instanceof AcepackError) return { verdict: e.verdict, dump: null };
      throw e;
    }
  } finally {
    f.close();
  }
}

// The regions of a file as the header describes them (spec 3.1, 6), for
// maps and inspectors.  Only from a file that opened (fields trusted).
function regionsOf(h, size) {
  const r = [{ name: 'header', start: 0, end: Math.min(128, size) }];
  if (h.version === 2) {
    r.push({ name: 'chunks', start: 128, end: h.chunkEnd });
    r.push({ name: 'events', start: h.evtOffset, end: h.evtOffset + h.evtLength });
  } else {
    r.push({ name: 'chunks', start: 128, end: h.indexOffset });
  }
  r.push({ name: 'index', start: h.indexOffset, end: h.indexOffset + h.indexLength });
  r.sort((a, b) => a.start - b.start);
  // The gaps (free space the spec allows between regions, or the tail).
  const out = [];
  let at = 0;
  for (const x of r) {
    if (x.start > at) out.push({ name: 'gap', start: at, end: x.start });
    out.push(x);
    at = Math.max(at, x.end);
  }
  if (at < size) out.push({ name: 'gap', start: at, end: size });
  return out;
}

/** Both profiles' verdicts, the header and the regions (under the first
 *  profile that accepts), for humans. */
function explain(bytes) {
  const src = asBytes(bytes);
  const verdicts = {};
  let header = null;
  let regions = null;
  for (const p of ['strict', 'compat']) {
    const f = open(src, { profile: p });
    try {
      verdicts[p] = f.verdict;
      if (header === null && f.verdict.ok) {
        header = f.header();
        regions = regionsOf(header, src.length);
      }
    } finally {
      f.close();
    }
  }
  return { size: src.length, verdicts, header, regions };
}

/** The one-line diagnostic of the CLI for a failed verdict: FILE:OFFSET: RULE: message. */
function diagnostic(name, v) {
  if (v.rule) return `${name}:${v.offset}: ${v.rule}: ${v.message || v.status}`;
  if (v.invalid) return `${name}:${v.offset}: ${v.message || v.status}`;
  return `${name}: ${v.message || v.status} (${v.status})`;
}

function version() {
  return cString(exportsOf().apw_version_string());
}

/** Bytes of WebAssembly memory in use by the module (it grows, never shrinks;
 *  freed blocks are reused): for tests and curious callers. */
function memorySize() {
  return exportsOf().memory.buffer.byteLength;
}

function utf8Valid(bytes) {
  try {
    utf8Strict.decode(bytes);
    return true;
  } catch (e) {
    return false;
  }
}

export { provideWasm, open, openBlob, validate, dumpFile, explain, diagnostic, version, regionsOf,
  AcepackFile, AcepackError, memorySize, utf8Valid };
