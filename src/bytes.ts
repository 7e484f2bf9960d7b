/**
 * Byte arrays laid end to end in one new array, with `separator` (a byte)
 * between each two when given: content streams are joined by a newline so an
 * operator at the end of one never runs into the next.
 */
export function joinBytes(parts: readonly Uint8Array[], separator?: number): Uint8Array {
  const gaps = separator === undefined ? 0 : Math.max(0, parts.length - 1);
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, gaps));
  let at = 0;
  for (const part of parts) {
    if (at > 0 && separator !== undefined) out[at++] = separator;
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Where `bytes` hold the ASCII string `needle` from `from` on, or -1: a search that does not decode the bytes to a string first. */
export function indexOfAscii(bytes: Uint8Array, needle: string, from = 0): number {
  const first = needle.charCodeAt(0);
  for (let at = bytes.indexOf(first, from); at >= 0 && at + needle.length <= bytes.length; at = bytes.indexOf(first, at + 1)) {
    let k = 1;
    while (k < needle.length && bytes[at + k] === needle.charCodeAt(k)) k++;
    if (k === needle.length) return at;
  }
  return -1;
}

/** Whether `bytes` hold the ASCII string `needle` anywhere. */
export function includesAscii(bytes: Uint8Array, needle: string): boolean {
  return indexOfAscii(bytes, needle) !== -1;
}

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** CRC-32 (ISO 3309), as a zip entry and a PNG chunk store it. */
export function crc32(data: Uint8Array): number {
  let crc = -1;
  for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}
