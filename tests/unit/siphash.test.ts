import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/crypto.ts';
import { sipHash24 } from '../../src/siphash.ts';

const KEY = Uint8Array.from({ length: 16 }, (_, i) => i);
const message = (length: number) => Uint8Array.from({ length }, (_, i) => i);

describe('sipHash24', () => {
  // The reference vectors: key 00…0f, message 00…(n−1); 0 and 15 are in the SipHash paper, the rest from Rust's std SipHasher.
  it.each([
    [0, '310e0edd47db6f72'],
    [1, 'fd67dc93c539f874'],
    [7, '37d1018bf50002ab'],
    [8, '6224939a79f5f593'],
    [15, 'e545be4961ca29a1'],
    [16, 'db9bc2577fcc2a3f'],
    [17, '9447be2cf5e99a69'],
    [20, '98eea21af25cd6be'],
    [63, '724506eb4c328a95'],
  ])('gives the reference value for %i bytes', (length, expected) => {
    expect(toHex(sipHash24(KEY, message(length)))).toBe(expected);
  });

  it('refuses a key that is not 16 bytes', () => {
    expect(() => sipHash24(new Uint8Array(8), message(4))).toThrow(/16 bytes, not 8/);
  });
});
