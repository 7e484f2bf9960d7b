import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { deflate, deflateWithSlots, fillSlots, SLOT_BYTES, type Slot } from '../../../src/deflate/compress.ts';

const encoder = new TextEncoder();
// Buffers are compared with equals: a deep compare of thousands of 70 KB arrays costs seconds.

/** A fixed-seed generator: the same buffers and slots on every run. */
function generator(seed: number) {
  let state = seed;
  const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 8) / 2 ** 24;
  return { random, below: (n: number) => Math.floor(random() * n) };
}

/** Bytes of one of several shapes: any byte, two bytes, the slot bytes, short repeats, with a long stretch copied. */
function randomInput({ random, below }: ReturnType<typeof generator>, n: number): Uint8Array {
  const shape = below(4);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (shape === 0) out[i] = below(256);
    else if (shape === 1) out[i] = 0x30 + below(2);
    else if (shape === 2) out[i] = SLOT_BYTES.charCodeAt(below(SLOT_BYTES.length));
    else out[i] = i > 8 && random() < 0.7 ? out[i - 1 - below(8)] : 0x40 + below(40);
  }
  if (n > 100 && random() < 0.5) {
    const length = below(n / 2);
    out.copyWithin(below(n - length), below(n - length), length);
  }
  return out;
}

/** Sorted slots: from position 0 or not, 1 to 12 bytes wide, adjacent or up to 40 KB apart, sometimes ending the input. */
function randomSlots({ random, below }: ReturnType<typeof generator>, n: number): Slot[] {
  const slots: Slot[] = [];
  const gap = [3, 200, 5000, 40_000][below(4)];
  for (let at = random() < 0.3 ? 0 : below(20); at < n; ) {
    const width = 1 + below(12);
    if (at + width > n) {
      if (random() < 0.5) slots.push({ at, width: n - at });
      break;
    }
    slots.push({ at, width });
    at += width + below(gap);
  }
  return slots;
}

describe('deflate with slots, on random inputs', () => {
  it('inflates (zlib checks the Adler-32) to the input, and to the input with any bytes a slot may hold, call after call', () => {
    const rng = generator(4);
    const sizes = [0, 1, 2, 3, 4096, 4097, 33_000, 70_000];
    for (let round = 0; round < 600; round++) {
      // Mostly page-sized streams, now and then one longer than the window: what an earlier call leaves must not leak into the next.
      const n = rng.random() < 0.85 ? rng.below(3000) : sizes[rng.below(sizes.length)];
      const input = randomInput(rng, n);
      const slots = rng.random() < 0.1 ? [] : randomSlots(rng, n);
      const stream = deflateWithSlots(input, slots);
      expect(inflateSync(stream.bytes).equals(input), `round ${round}`).toBe(true);
      expect(stream.slots).toHaveLength(slots.length);
      const fills = slots.map((slot) => new Uint8Array(slot.width).map(() => SLOT_BYTES.charCodeAt(rng.below(SLOT_BYTES.length))));
      const expected = input.slice();
      slots.forEach((slot, i) => expected.set(fills[i], slot.at));
      expect(inflateSync(fillSlots(stream, (i) => fills[i])).equals(expected), `round ${round} filled`).toBe(true);
    }
  });

  it('compresses a short stream right after one more than 32 KB longer', () => {
    // The long stream's last "xyz" sits where, read with the short stream's hash offsets, it would point ahead of the short one's first "xyz".
    const short = encoder.encode('xyzQxyzxyz');
    const long = new Uint8Array(40_000);
    long.set(encoder.encode('xyz'), 4 + short.length + 32_768);
    expect(inflateSync(deflate(long)).equals(long)).toBe(true);
    expect(new Uint8Array(inflateSync(deflate(short)))).toEqual(short);
  });
});
