// A deliberately incomplete "library" for conformance/examples/adapter.mjs, so that the
// self-test can check how the runner scores such an adapter: it only reads, only under
// strict, knows two header rules, declines everything else (unsupported), and has a bug
// (a TypeError on 1-byte files) that the adapter must report as an internal error (exit 4).
export const capabilities = { read: true, write: false, migrate: false, profiles: ["strict"] };

const MAGIC = [0x41, 0x43, 0x45, 0x50, 0x41, 0x43, 0x4b, 0x00];

function reject(rule, offset, message) {
  return Object.assign(new Error(message), { rule, offset });
}

export function read(bytes) {
  if (bytes.length === 1) return bytes.header.magic;  // the planted bug
  if (bytes.length < 64) throw reject("R-HDR-1", bytes.length, "shorter than 64 bytes");
  const bad = MAGIC.findIndex((b, i) => bytes[i] !== b);
  if (bad >= 0) throw reject("R-HDR-2", 0, "bad magic");
  throw Object.assign(new Error("only the magic is implemented"), { unsupported: true });
}
