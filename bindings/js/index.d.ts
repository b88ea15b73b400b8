// Type declarations of @libacepack/reader (hand-written; test/dts.test.mjs
// checks them against the module's real exports).

/** Reader profile (spec 1.4). */
export type Profile = 'strict' | 'compat';

export interface OpenOptions {
  /** Default 'strict'. */
  profile?: Profile;
}

/** The result of the full validation (spec 7.2). */
export interface Verdict {
  ok: boolean;
  /** Library status name: 'ok', 'truncated', 'bad_magic', 'bad_version',
   *  'unsupported_feature', 'invalid', 'unsupported', ... */
  status: string;
  /** The library status number (acepack_status). */
  code: number;
  /** True when the file is invalid (statuses 1..5); absent when ok. */
  invalid?: boolean;
  /** The spec rule the file breaks ('R-EVT-3'), or null. */
  rule: string | null;
  /** Byte offset spec 7.2 names for the rule, or null when ok. */
  offset: number | null;
  message: string | null;
}

/** Header and layout fields of an opened file (acepack_reader). */
export interface Header {
  version: number;
  flags: number;
  indexOffset: number;
  indexLength: number;
  chunkEnd: number;
  evtOffset: number;
  evtLength: number;
  evtCount: number;
  evtBaseId: number;
  eventCount: number;
  entryCount: number;
}

export interface Entry {
  key: string;
  keyBytes: Uint8Array;
  value: Uint8Array;
  entryOffset: number;
  chunkOffset: number;
}

export interface Region {
  name: 'header' | 'chunks' | 'events' | 'index' | 'gap';
  start: number;
  end: number;
}

export interface Explanation {
  size: number;
  verdicts: { strict: Verdict; compat: Verdict };
  header: Header | null;
  regions: Region[] | null;
}

export class AcepackError extends Error {
  verdict: Verdict;
}

/** An opened, fully validated file: its bytes copied once into the module's
 *  memory.  close() frees them (a FinalizationRegistry does it for files
 *  that are garbage collected unclosed). */
export class AcepackFile {
  private constructor();
  readonly profile: Profile;
  readonly size: number;
  readonly verdict: Verdict;
  readonly ok: boolean;
  readonly eventCount: number;
  close(): void;
  dispose(): void;
  /** The same bytes opened under another profile, without a second copy. */
  reopen(options?: OpenOptions): AcepackFile;
  /** A copy of the bytes [start, end) of the file (clamped to it). */
  bytes(start?: number, end?: number): Uint8Array;
  header(): Header | null;
  /** The conformance dump (spec 11).  Throws AcepackError when rejected. */
  dump(): Uint8Array;
  entries(): Generator<Entry, void, undefined>;
  keys(): Generator<string, void, undefined>;
  get(key: string | Uint8Array): Uint8Array | undefined;
  getText(key: string | Uint8Array): string | undefined;
  kindAt(i: number): number;
  sourceAt(i: number): number;
  flagsAt(i: number): number;
  deletedAt(i: number): boolean;
  tsAt(i: number): number;
  tsBigAt(i: number): bigint;
  idAt(i: number): number;
  payloadAt(i: number): Uint8Array;
  payloadTextAt(i: number): string;
  kindColumn(): Uint8Array;
  sourceColumn(): Uint8Array;
  flagsColumn(): Uint8Array;
  tsColumn(): Float64Array;
}

export function open(bytes: Uint8Array | ArrayBuffer | ArrayBufferView, options?: OpenOptions): AcepackFile;
/** Like open(), the Blob's bytes read through a small buffer straight into the module memory.
 *  `phases`, when given, receives the milliseconds of the two steps. */
export function openBlob(blob: Blob, options?: OpenOptions & { phases?: { read?: number; validate?: number } }):
  Promise<AcepackFile>;
export function validate(bytes: Uint8Array | ArrayBuffer | ArrayBufferView, options?: OpenOptions): Verdict;
export function dump(bytes: Uint8Array | ArrayBuffer | ArrayBufferView, options?: OpenOptions):
  { verdict: Verdict; dump: Uint8Array | null };
export function explain(bytes: Uint8Array | ArrayBuffer | ArrayBufferView): Explanation;
/** The CLI's diagnostic line: FILE:OFFSET: RULE-ID: message. */
export function diagnostic(name: string, verdict: Verdict): string;
/** The library version ("0.1.0"). */
export function version(): string;
/** Bytes of WebAssembly memory the module holds. */
export function memorySize(): number;
