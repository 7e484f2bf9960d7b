/**
 * SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed function of short
 * messages whose output cannot be told from random without the 128-bit key.
 * It is synchronous, unlike Web Crypto's HMAC, because the mark readers try it
 * at every offset of a run of invisible characters.
 *
 * 64-bit words are kept as 32-bit halves in locals (`v0l`, `v0h`, …): typed
 * arrays or helper calls made it three times slower.
 */

const word = (bytes: Uint8Array, at: number): number => (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;

/** The 32-bit word of `message` at `at`, little-endian, with bytes from `end` on 0, and the top byte `end` when `lengthByte` (the last block's). */
function tailWord(message: Uint8Array, at: number, end: number, lengthByte: boolean): number {
  let value = 0;
  for (let i = 0; i < 4 && at + i < end; i++) value |= message[at + i] << (8 * i);
  if (lengthByte) value = (value & 0x00ffffff) | ((end & 0xff) << 24);
  return value >>> 0;
}

/**
 * SipHash-2-4 of `message` (its first `length` bytes) under `key` (16 bytes), as its 8 bytes in little-endian order.
 * @example toHex(sipHash24(Uint8Array.from({ length: 16 }, (_, i) => i), new Uint8Array())) // '310e0edd47db6f72'
 */
export function sipHash24(key: Uint8Array, message: Uint8Array, length = message.length): Uint8Array {
  if (key.length !== 16) throw new Error(`a SipHash key is 16 bytes, not ${key.length}`);
  const k0l = word(key, 0);
  const k0h = word(key, 4);
  const k1l = word(key, 8);
  const k1h = word(key, 12);
  // "somepseudorandomlygeneratedbytes", as 64-bit words.
  let v0l = (k0l ^ 0x70736575) >>> 0;
  let v0h = (k0h ^ 0x736f6d65) >>> 0;
  let v1l = (k1l ^ 0x6e646f6d) >>> 0;
  let v1h = (k1h ^ 0x646f7261) >>> 0;
  let v2l = (k0l ^ 0x6e657261) >>> 0;
  let v2h = (k0h ^ 0x6c796765) >>> 0;
  let v3l = (k1l ^ 0x79746573) >>> 0;
  let v3h = (k1h ^ 0x74656462) >>> 0;
  const whole = length - (length % 8);
  // Each 8-byte block (the last one padded, with the length in its top byte) takes 2 rounds; then the finish takes 4.
  for (let at = 0; at <= whole + 8; at += 8) {
    const finishing = at > whole;
    const ml = finishing ? 0 : at < whole ? word(message, at) : tailWord(message, at, length, false);
    const mh = finishing ? 0 : at < whole ? word(message, at + 4) : tailWord(message, at + 4, length, true);
    if (finishing) v2l = (v2l ^ 0xff) >>> 0;
    else {
      v3l = (v3l ^ ml) >>> 0;
      v3h = (v3h ^ mh) >>> 0;
    }
    for (let round = finishing ? 4 : 2; round > 0; round--) {
      let t: number;
      // v0 += v1; v1 <<<= 13; v1 ^= v0; v0 <<<= 32
      t = (v0l + v1l) >>> 0;
      v0h = (v0h + v1h + (t < v0l ? 1 : 0)) >>> 0;
      v0l = t;
      t = v1l;
      v1l = ((v1l << 13) | (v1h >>> 19)) >>> 0;
      v1h = ((v1h << 13) | (t >>> 19)) >>> 0;
      v1l = (v1l ^ v0l) >>> 0;
      v1h = (v1h ^ v0h) >>> 0;
      t = v0l;
      v0l = v0h;
      v0h = t;
      // v2 += v3; v3 <<<= 16; v3 ^= v2
      t = (v2l + v3l) >>> 0;
      v2h = (v2h + v3h + (t < v2l ? 1 : 0)) >>> 0;
      v2l = t;
      t = v3l;
      v3l = ((v3l << 16) | (v3h >>> 16)) >>> 0;
      v3h = ((v3h << 16) | (t >>> 16)) >>> 0;
      v3l = (v3l ^ v2l) >>> 0;
      v3h = (v3h ^ v2h) >>> 0;
      // v0 += v3; v3 <<<= 21; v3 ^= v0
      t = (v0l + v3l) >>> 0;
      v0h = (v0h + v3h + (t < v0l ? 1 : 0)) >>> 0;
      v0l = t;
      t = v3l;
      v3l = ((v3l << 21) | (v3h >>> 11)) >>> 0;
      v3h = ((v3h << 21) | (t >>> 11)) >>> 0;
      v3l = (v3l ^ v0l) >>> 0;
      v3h = (v3h ^ v0h) >>> 0;
      // v2 += v1; v1 <<<= 17; v1 ^= v2; v2 <<<= 32
      t = (v2l + v1l) >>> 0;
      v2h = (v2h + v1h + (t < v2l ? 1 : 0)) >>> 0;
      v2l = t;
      t = v1l;
      v1l = ((v1l << 17) | (v1h >>> 15)) >>> 0;
      v1h = ((v1h << 17) | (t >>> 15)) >>> 0;
      v1l = (v1l ^ v2l) >>> 0;
      v1h = (v1h ^ v2h) >>> 0;
      t = v2l;
      v2l = v2h;
      v2h = t;
    }
    if (!finishing) {
      v0l = (v0l ^ ml) >>> 0;
      v0h = (v0h ^ mh) >>> 0;
    }
  }
  const lo = (v0l ^ v1l ^ v2l ^ v3l) >>> 0;
  const hi = (v0h ^ v1h ^ v2h ^ v3h) >>> 0;
  const out = new Uint8Array(8);
  for (let i = 0; i < 4; i++) {
    out[i] = (lo >>> (8 * i)) & 0xff;
    out[i + 4] = (hi >>> (8 * i)) & 0xff;
  }
  return out;
}
