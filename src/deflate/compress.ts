/**
 * Deflate (a zlib stream, RFC 1950/1951) with slots: byte ranges of the input
 * written as literals that no match covers or copies from, so that each can
 * be given other bytes of the same width later by swapping their bits — no
 * compressing again. A stamp moves a page's coded lines by rewriting their
 * baseline numbers this way: every buyer's copy of a page costs a copy of
 * its compressed bits, not a deflate (docs/decisions.md).
 *
 * The compressor is LZ77 over a 32 KB window with hash chains and one step
 * of lazy matching (as zlib's middle levels), then one Huffman block: codes
 * of its own, or deflate's fixed codes where they take fewer bits (and for
 * any stream under 1 KB without slots). Its hash tables
 * are kept from call to call: a book is hundreds of small streams.
 *
 * It is also the compressor of every stream Bindery writes — the PDF
 * writer's pages, object streams and cross-reference stream, the EPUB's zip
 * entries — where fflate and pdf-lib allocate ~200 KB of tables per stream.
 */
import { BitWriter, canonicalCodes, huffmanLengths, writeCodeLengths } from './huffman.ts';

/** A range of the input to keep rewritable: `at` and `width` in bytes. */
export interface Slot {
  at: number;
  width: number;
}

/** A compressed stream with rewritable slots. */
export interface SlottedStream {
  /** The zlib stream as compressed, the slots holding the input's own bytes. */
  bytes: Uint8Array;
  /** Bits of deflate data from the start of `bytes` (zlib header included) to the end of the last block. */
  bits: number;
  /** Per slot: where its bits start and end in `bytes`, and its input bytes. */
  slots: { bitAt: number; bitEnd: number; at: number; text: Uint8Array }[];
  /** The uncompressed length and Adler-32 sums, A and B. */
  length: number;
  adlerA: number;
  adlerB: number;
  /** The literal code of every byte a slot may be given: reversed code and length, by byte. */
  codes: Uint16Array;
  codeLengths: Uint8Array;
}

/** What a slot may hold: a PDF number and the white space around it. */
export const SLOT_BYTES = ' -.0123456789';

const WINDOW = 32768;
const HASH_BITS = 15;
const MIN_MATCH = 3;
const MAX_MATCH = 258;
/** Candidates tried per position, and a length good enough to stop at: about zlib's level 4. */
const MAX_CHAIN = 16;
const GOOD_MATCH = 64;
const END_OF_BLOCK = 256;
const ADLER_MOD = 65521;

const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];

/** Length (3–258) to its length symbol's index in LENGTH_BASE, and distance (1–32768) to its distance code. */
const LENGTH_CODE = new Uint8Array(MAX_MATCH + 1);
for (let code = 0; code < LENGTH_BASE.length; code++) {
  for (let length = LENGTH_BASE[code]; length < LENGTH_BASE[code] + (1 << LENGTH_EXTRA[code]) && length <= MAX_MATCH; length++) LENGTH_CODE[length] = code;
}
LENGTH_CODE[MAX_MATCH] = 28;
const DIST_CODE = new Uint8Array(WINDOW + 1);
for (let code = 0; code < DIST_BASE.length; code++) DIST_CODE.fill(code, DIST_BASE[code], DIST_BASE[code] + (1 << DIST_EXTRA[code]));
/** The hash of the three bytes at `i`. */
const hashAt = (input: Uint8Array, i: number): number => ((input[i] << 10) ^ (input[i + 1] << 5) ^ input[i + 2]) & ((1 << HASH_BITS) - 1);

/**
 * Hash heads and chains, kept between calls: positions are stored plus
 * `base`, which moves on by each call's length, so that what an earlier call
 * left reads as empty without clearing.
 */
const head = new Int32Array(1 << HASH_BITS);
const chain = new Int32Array(WINDOW);
let base = 0;
/** A match this long or longer is taken at once; a shorter one only when the next position has none longer (lazy matching). */
const LAZY_MATCH = 8;

/** Per input byte: its token's length (0: a literal) and value (the byte, or the distance − 1), and where the next slot starts. */
interface Working {
  lengths: Uint16Array;
  values: Uint16Array;
  nextSlot: Int32Array;
}
/** Inputs up to this length reuse one set of working arrays (2 MB at most); a longer one gets its own, so one large stream does not hold megabytes for the isolate's life. */
const KEPT_INPUT = 1 << 18;
let kept: Working = workingArrays(1 << 14);

function workingArrays(length: number): Working {
  return { lengths: new Uint16Array(length), values: new Uint16Array(length), nextSlot: new Int32Array(length) };
}

/** Deflates `input` into a zlib stream, leaving `slots` (sorted, not overlapping) rewritable. */
export function deflateWithSlots(input: Uint8Array, slots: readonly Slot[] = []): SlottedStream {
  const n = input.length;
  let working = kept;
  if (working.lengths.length < n + 1) {
    working = workingArrays(n + 1);
    if (n <= KEPT_INPUT) kept = working;
  }
  const { lengths, values, nextSlot } = working;
  // nextSlot[p]: where the first slot at or after p starts (n when none); inside a slot, p itself.
  let from = 0;
  for (const { at, width } of slots) {
    nextSlot.fill(at, from, at);
    for (let p = at; p < at + width; p++) nextSlot[p] = p;
    from = at + width;
  }
  nextSlot.fill(n, from, n + 1);
  const litFreq = new Uint32Array(286);
  const distFreq = new Uint32Array(30);
  const slotTokens: number[] = [];
  // This call's positions are stored past every position an earlier call stored (base moves on by each call's length), so those read as negative.
  if (base + n > 2 ** 30) base = 0;
  if (base === 0) head.fill(-1);
  let tokens = 0;
  let slot = 0;
  const offset = base;
  // Positions below `inserted` are in the hash chains; the last `MIN_MATCH - 1` bytes start no match and get no hash.
  // Plain locals and no closures: this loop runs once per input byte, and a closure's variables live on the heap.
  let inserted = 0;
  const hashed = n - MIN_MATCH + 1;
  for (let i = 0; i < n; ) {
    if (slot < slots.length && i === slots[slot].at) {
      slotTokens.push(tokens);
      for (const end = i + slots[slot].width; i < end; i++) {
        lengths[tokens] = 0;
        values[tokens++] = input[i];
        litFreq[input[i]]++;
      }
      if (inserted < i) inserted = i;
      slot++;
      continue;
    }
    // The longest match at i, i put in the chains first as zlib does (one hash per position); then, lazily, at i + 1.
    let match = 0;
    if (i < hashed) {
      match = longestMatch(input, i, insert(input, i, offset), nextSlot, offset);
      inserted = i + 1;
    }
    if (match !== 0 && match >>> 16 < LAZY_MATCH && i + 1 < hashed) {
      const next = longestMatch(input, i + 1, insert(input, i + 1, offset), nextSlot, offset);
      inserted = i + 2;
      if (next >>> 16 > match >>> 16) {
        lengths[tokens] = 0;
        values[tokens++] = input[i];
        litFreq[input[i]]++;
        i++;
        match = next;
      }
    }
    if (match === 0) {
      lengths[tokens] = 0;
      values[tokens++] = input[i];
      litFreq[input[i]]++;
      i++;
      continue;
    }
    const length = match >>> 16;
    const distance = (match & 0xffff) + 1;
    lengths[tokens] = length;
    values[tokens++] = distance - 1;
    litFreq[257 + LENGTH_CODE[length]]++;
    distFreq[DIST_CODE[distance]]++;
    i += length;
    for (const last = Math.min(i, hashed); inserted < last; inserted++) insert(input, inserted, offset);
  }
  base += n;
  litFreq[END_OF_BLOCK]++;
  if (slots.length) for (let k = 0; k < SLOT_BYTES.length; k++) litFreq[SLOT_BYTES.charCodeAt(k)] ||= 1;
  return writeBlock(input, working, tokens, litFreq, distFreq, slots, slotTokens);
}

/** Puts position p in the hash chains; returns the one it follows there, the latest earlier position with its hash (negative: none). */
function insert(input: Uint8Array, p: number, offset: number): number {
  const h = hashAt(input, p);
  const previous = head[h];
  chain[p & (WINDOW - 1)] = previous;
  head[h] = offset + p;
  return previous - offset;
}

/**
 * The longest match for position `i` among the chains' candidates from `first` on, as
 * length × 65536 + distance − 1; 0 when none is MIN_MATCH long. Neither the
 * match nor what it copies runs into a slot.
 */
function longestMatch(input: Uint8Array, i: number, first: number, nextSlot: Int32Array, offset: number): number {
  // No match runs into a slot, or past the end (nextSlot is at most n).
  const room = Math.min(MAX_MATCH, nextSlot[i] - i);
  if (room < MIN_MATCH) return 0;
  let bestLength = 0;
  let bestDistance = 0;
  let candidate = first;
  for (let tries = MAX_CHAIN; candidate >= 0 && i - candidate <= WINDOW && tries > 0; tries--) {
    const limit = Math.min(room, nextSlot[candidate] - candidate);
    if (limit > bestLength && input[candidate + bestLength] === input[i + bestLength]) {
      let length = 0;
      while (length < limit && input[candidate + length] === input[i + length]) length++;
      if (length > bestLength) {
        bestLength = length;
        bestDistance = i - candidate;
        if (length >= GOOD_MATCH || length === room) break;
      }
    }
    const previous = chain[candidate & (WINDOW - 1)] - offset;
    if (previous >= candidate) break;
    candidate = previous;
  }
  return bestLength >= MIN_MATCH ? bestLength * 65536 + bestDistance - 1 : 0;
}

/** A zlib stream (RFC 1950: DEFLATE data with its 2-byte header and Adler-32) of some bytes: ours, or a runtime's native one. */
export type Deflate = (data: Uint8Array) => Uint8Array;

/** A zlib stream of `input`, without slots. */
export const deflate: Deflate = (input) => deflateWithSlots(input).bytes;

/** The raw DEFLATE data of a zlib stream (a zip entry's): the stream without its 2-byte header (no preset dictionary) and Adler-32. */
export const deflateData = (zlib: Uint8Array): Uint8Array => zlib.subarray(2, zlib.length - 4);

/**
 * Deflate's fixed codes (RFC 1951 3.2.6): what a small stream is written
 * with, since working out codes of its own would cost more time than the
 * bytes they save (a stamp writes hundreds of streams of a few hundred
 * bytes), and what a larger one is written with when its own codes and
 * their header would take more bits.
 */
const FIXED_LITERALS = new Uint8Array(288).map((_, sym) => (sym < 144 ? 8 : sym < 256 ? 9 : sym < 280 ? 7 : 8));
const FIXED_DISTANCES = new Uint8Array(30).fill(5);
const FIXED_CODES = { litLengths: FIXED_LITERALS, distLengths: FIXED_DISTANCES, litCodes: canonicalCodes(FIXED_LITERALS), distCodes: canonicalCodes(FIXED_DISTANCES) };
/** Inputs shorter than this without slots take the fixed codes without working out codes of their own. */
const SMALL_INPUT = 1024;

interface BlockCodes {
  litLengths: Uint8Array;
  distLengths: Uint8Array;
  litCodes: Uint16Array;
  distCodes: Uint16Array;
  /** The dynamic block's header (HLIT … the code lengths) and its length in bits; null for the fixed codes. */
  header: { bytes: Uint8Array; bits: number } | null;
}

/** Bits the symbols counted in `freq` take with code lengths `lengths` (extra bits aside: they are the same under any codes). */
function codedBits(freq: Uint32Array, lengths: Uint8Array): number {
  let bits = 0;
  for (let sym = 0; sym < freq.length; sym++) bits += freq[sym] * lengths[sym];
  return bits;
}

/**
 * The block's codes: its own, with the header that describes them, or the
 * fixed ones (header null) for a small stream or where they take fewer bits
 * than its own and their header.
 */
function blockCodes(input: Uint8Array, litFreq: Uint32Array, distFreq: Uint32Array, slotted: boolean): BlockCodes {
  if (!slotted && input.length < SMALL_INPUT) return { ...FIXED_CODES, header: null };
  const litLengths = huffmanLengths(litFreq, 15, 2);
  const distLengths = huffmanLengths(distFreq, 15, 1);
  const header = new BitWriter(512);
  writeCodeLengths(header, litLengths, distLengths);
  const headerBits = header.bit;
  const own = headerBits + codedBits(litFreq, litLengths) + codedBits(distFreq, distLengths);
  if (!slotted && codedBits(litFreq, FIXED_LITERALS) + codedBits(distFreq, FIXED_DISTANCES) <= own) return { ...FIXED_CODES, header: null };
  header.align();
  return { litLengths, distLengths, litCodes: canonicalCodes(litLengths), distCodes: canonicalCodes(distLengths), header: { bytes: header.bytes(), bits: headerBits } };
}

function writeBlock(input: Uint8Array, { lengths, values }: Working, tokens: number, litFreq: Uint32Array, distFreq: Uint32Array, slots: readonly Slot[], slotTokens: number[]): SlottedStream {
  const { litLengths, distLengths, litCodes, distCodes, header } = blockCodes(input, litFreq, distFreq, slots.length > 0);
  const out = new BitWriter(input.length + (input.length >>> 3) + 1024);
  out.put(0x78, 8);
  out.put(0x01, 8);
  out.put(1, 1); // the final block
  if (!header) out.put(1, 2);
  else {
    out.put(2, 2); // dynamic Huffman codes
    out.copy(header.bytes, 0, header.bits);
  }
  const placed: SlottedStream['slots'] = [];
  let slot = 0;
  let at = 0;
  for (let t = 0; t < tokens; t++) {
    if (slot < slots.length && t === slotTokens[slot]) placed.push({ bitAt: out.bit, bitEnd: 0, at: slots[slot].at, text: input.slice(slots[slot].at, slots[slot].at + slots[slot].width) });
    const length = lengths[t];
    if (length === 0) {
      const byte = values[t];
      out.put(litCodes[byte], litLengths[byte]);
      at++;
    } else {
      const code = LENGTH_CODE[length];
      out.put(litCodes[257 + code], litLengths[257 + code]);
      out.put(length - LENGTH_BASE[code], LENGTH_EXTRA[code]);
      const distance = values[t] + 1;
      const dcode = DIST_CODE[distance];
      out.put(distCodes[dcode], distLengths[dcode]);
      out.put(distance - DIST_BASE[dcode], DIST_EXTRA[dcode]);
      at += length;
    }
    if (slot < slots.length && at === slots[slot].at + slots[slot].width && placed.length === slot + 1) placed[slot++].bitEnd = out.bit;
  }
  out.put(litCodes[END_OF_BLOCK], litLengths[END_OF_BLOCK]);
  const bits = out.bit;
  const [adlerA, adlerB] = adler32(input);
  out.align();
  out.put32BigEndian(((adlerB << 16) | adlerA) >>> 0);
  const codes = new Uint16Array(256);
  const codeLengths = new Uint8Array(256);
  for (let k = 0; k < SLOT_BYTES.length; k++) {
    const byte = SLOT_BYTES.charCodeAt(k);
    codes[byte] = litCodes[byte];
    codeLengths[byte] = litLengths[byte];
  }
  return { bytes: out.bytes(), bits, slots: placed, length: input.length, adlerA, adlerB, codes, codeLengths };
}

/**
 * The stream with every slot given the bytes `fill(i)` returns (of the
 * slot's width, drawn from SLOT_BYTES): its bits are copied around the
 * slots, the slots' literals written anew, and the Adler-32 corrected.
 */
export function fillSlots(stream: SlottedStream, fill: (slot: number) => Uint8Array): Uint8Array {
  const texts = stream.slots.map((slot, i) => {
    const text = fill(i);
    if (text.length !== slot.text.length) throw new RangeError(`slot ${i} holds ${slot.text.length} bytes, not ${text.length}`);
    return text;
  });
  let bits = stream.bits;
  texts.forEach((text, i) => {
    bits -= stream.slots[i].bitEnd - stream.slots[i].bitAt;
    for (const byte of text) {
      if (stream.codeLengths[byte] === 0) throw new RangeError(`slot ${i} cannot hold byte ${byte}`);
      bits += stream.codeLengths[byte];
    }
  });
  const out = new BitWriter(((bits + 7) >>> 3) + 4);
  let a = stream.adlerA;
  let b = stream.adlerB;
  let from = 0;
  texts.forEach((text, i) => {
    const slot = stream.slots[i];
    out.copy(stream.bytes, from, slot.bitAt);
    for (let k = 0; k < text.length; k++) {
      out.put(stream.codes[text[k]], stream.codeLengths[text[k]]);
      const change = text[k] - slot.text[k];
      // Adler-32's B sums A after every byte: a byte at p counts (length − p) times.
      a = (a + change + ADLER_MOD) % ADLER_MOD;
      b = (b + ((change * (stream.length - slot.at - k)) % ADLER_MOD) + ADLER_MOD) % ADLER_MOD;
    }
    from = slot.bitEnd;
  });
  out.copy(stream.bytes, from, stream.bits);
  out.align();
  out.put32BigEndian(((b << 16) | a) >>> 0);
  return out.bytes();
}

function adler32(data: Uint8Array): [number, number] {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length; ) {
    // 5,552 bytes is the most that can be summed before the sums must be reduced (as zlib does).
    for (const end = Math.min(data.length, i + 5552); i < end; i++) {
      a += data[i];
      b += a;
    }
    a %= ADLER_MOD;
    b %= ADLER_MOD;
  }
  return [a, b];
}
