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
