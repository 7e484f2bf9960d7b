/**
 * Just enough of PDF's content-stream syntax to find text: a tokenizer over a
 * stream's bytes, ToUnicode CMaps, and bounded inflation of streams. Used to
 * place the text layer in Bindery's own PDFs and to read text (the layer and
 * the printed licence line) back from any PDF, rewritten or not.
 */
import { PDFArray, PDFName, PDFRawStream, type PDFDict } from '@cantoo/pdf-lib';
import { Inflate, unzlibSync } from 'fflate';
import { indexOfAscii } from '../bytes.ts';

/** An operand: a number, a name (`/F1` → `F1`), a string's bytes, or an array of those. */
export type Operand = number | { name: string } | Uint8Array | Operand[] | null;

/** One operator with the operands before it. */
export interface Operation {
  op: string;
  operands: Operand[];
}

/** Byte classes of PDF syntax, looked up per byte: 0 regular, 1 whitespace, 2 delimiter. */
const CLASS = new Uint8Array(256);
for (const b of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]) CLASS[b] = 1;
for (const b of [0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]) CLASS[b] = 2;
const isWhitespace = (b: number) => CLASS[b] === 1;
const regular = (b: number) => CLASS[b] === 0;

/**
 * The operations of a content stream, in order. Dictionaries (marked-content
 * properties) are skipped as one null operand; inline images are skipped whole.
 */
export function* operations(bytes: Uint8Array): Generator<Operation> {
  let i = 0;
  let operands: Operand[] = [];
  const stack: Operand[][] = [];
  const push = (value: Operand) => (stack.length ? stack[stack.length - 1].push(value) : operands.push(value));
  while (i < bytes.length) {
    const b = bytes[i];
    if (isWhitespace(b)) i++;
    else if (b === 0x25) while (i < bytes.length && bytes[i] !== 0x0a && bytes[i] !== 0x0d) i++;
    else if (b === 0x28) {
      const [value, end] = literalString(bytes, i);
      push(value);
      i = end;
    } else if (b === 0x3c && bytes[i + 1] === 0x3c) {
      i = skipDictionary(bytes, i);
      push(null);
    } else if (b === 0x3c) {
      const end = bytes.indexOf(0x3e, i);
      push(hexString(bytes.subarray(i + 1, end < 0 ? bytes.length : end)));
      i = end < 0 ? bytes.length : end + 1;
    } else if (b === 0x5b) {
      stack.push([]);
      i++;
    } else if (b === 0x5d) {
      const array = stack.pop();
      if (array) push(array);
      i++;
    } else if (b === 0x2f) {
      let end = i + 1;
      while (end < bytes.length && regular(bytes[end])) end++;
      push({ name: latin1(bytes.subarray(i + 1, end)) });
      i = end;
    } else if (regular(b)) {
      let end = i;
      while (end < bytes.length && regular(bytes[end])) end++;
      const number = b === 0x2b || b === 0x2d || b === 0x2e || (b >= 0x30 && b <= 0x39) ? numberAt(bytes, i, end) : null;
      if (number !== null) {
        push(number);
        i = end;
        continue;
      }
      let word = '';
      for (let k = i; k < end; k++) word += String.fromCharCode(bytes[k]);
      i = end;
      if (word === 'true' || word === 'false' || word === 'null') push(null);
      else if (word === 'BI') i = skipInlineImage(bytes, i);
      else {
        stack.length = 0;
        yield { op: word, operands };
        operands = [];
      }
    } else i++; // a stray delimiter: `)`, `>`, `{`, `}`
  }
}

/** The number written in bytes[from..to), or null when they are not one. */
export function numberAt(bytes: Uint8Array, from: number, to: number): number | null {
  let k = from;
  const negative = bytes[k] === 0x2d;
  if (bytes[k] === 0x2b || bytes[k] === 0x2d) k++;
  let value = 0;
  let scale = 0;
  let digits = 0;
  for (; k < to; k++) {
    const b = bytes[k];
    if (b >= 0x30 && b <= 0x39) {
      value = value * 10 + (b - 0x30);
      if (scale) scale *= 10;
      digits++;
    } else if (b === 0x2e && !scale) scale = 1;
    else return null;
  }
  if (!digits) return null;
  const result = scale ? value / scale : value;
  return negative ? -result : result;
}

function literalString(bytes: Uint8Array, start: number): [Uint8Array, number] {
  const out: number[] = [];
  let depth = 1;
  let i = start + 1;
  while (i < bytes.length) {
    const b = bytes[i++];
    if (b === 0x5c) {
      const e = bytes[i++];
      const simple: Record<number, number> = { 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09, 0x62: 0x08, 0x66: 0x0c };
      if (e in simple) out.push(simple[e]);
      else if (e >= 0x30 && e <= 0x37) {
        let code = e - 0x30;
        for (let k = 0; k < 2 && bytes[i] >= 0x30 && bytes[i] <= 0x37; k++) code = code * 8 + (bytes[i++] - 0x30);
        out.push(code & 0xff);
      } else if (e === 0x0d) {
        if (bytes[i] === 0x0a) i++;
      } else if (e !== 0x0a) out.push(e);
    } else if (b === 0x28) {
      depth++;
      out.push(b);
    } else if (b === 0x29) {
      if (--depth === 0) break;
      out.push(b);
    } else out.push(b);
  }
  return [Uint8Array.from(out), i];
}

/** Hex digit values by byte, -1 for anything else (whitespace inside a hex string is skipped). */
/** A hex digit's value by byte (either case), -1 for any other byte. */
export const HEX = new Int8Array(256).fill(-1);
for (let d = 0; d < 16; d++) HEX['0123456789abcdef'.charCodeAt(d)] = HEX['0123456789ABCDEF'.charCodeAt(d)] = d;

function hexString(hex: Uint8Array): Uint8Array {
  const out = new Uint8Array((hex.length + 1) >> 1);
  let n = 0;
  let high = -1;
  for (const b of hex) {
    const value = HEX[b];
    if (value < 0) continue;
    if (high < 0) high = value;
    else {
      out[n++] = (high << 4) | value;
      high = -1;
    }
  }
  if (high >= 0) out[n++] = high << 4;
  return out.subarray(0, n);
}

function skipDictionary(bytes: Uint8Array, start: number): number {
  let depth = 0;
  let i = start;
  while (i < bytes.length) {
    if (bytes[i] === 0x3c && bytes[i + 1] === 0x3c) {
      depth++;
      i += 2;
    } else if (bytes[i] === 0x3e && bytes[i + 1] === 0x3e) {
      i += 2;
      if (--depth === 0) return i;
    } else if (bytes[i] === 0x28) i = literalString(bytes, i)[1];
    else i++;
  }
  return i;
}

/** Skips an inline image's dictionary and data, up to and including its `EI`. */
function skipInlineImage(bytes: Uint8Array, from: number): number {
  for (let i = from; i + 2 < bytes.length; i++) {
    if (bytes[i] === 0x45 && bytes[i + 1] === 0x49 && isWhitespace(bytes[i - 1]) && (i + 2 >= bytes.length || isWhitespace(bytes[i + 2]))) return i + 2;
  }
  return bytes.length;
}

export const latin1 = (bytes: Uint8Array): string => {
  let s = '';
  for (let k = 0; k < bytes.length; k += 8192) s += String.fromCharCode(...bytes.subarray(k, k + 8192));
  return s;
};

/** A ToUnicode CMap: character codes to text. */
export type UnicodeMap = Map<number, string>;

/**
 * Character codes a font's tables (ToUnicode, widths) are expanded to at most:
 * twice every two-byte code. A range may name 65,536 codes in a dozen bytes,
 * so a 1 KB file of a thousand such ranges held the reader for 30 s.
 */
export const MAX_FONT_CODES = 0x20000;

/** Parses the bfchar and bfrange sections of a ToUnicode CMap, expanding at most MAX_FONT_CODES codes. */
export function parseToUnicode(cmap: string): UnicodeMap {
  const map: UnicodeMap = new Map();
  let budget = MAX_FONT_CODES;
  const utf16 = (hex: string) => {
    const units: number[] = [];
    for (let k = 0; k + 4 <= hex.length; k += 4) units.push(parseInt(hex.slice(k, k + 4), 16));
    return String.fromCharCode(...units);
  };
  for (const [, body] of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const [, code, text] of body.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>/g)) {
      if (budget-- <= 0) return map;
      map.set(parseInt(code, 16), utf16(text));
    }
  }
  for (const [, body] of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const [, lo, hi, rest] of body.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]*>|\[[^\]]*\])/g)) {
      const from = parseInt(lo, 16);
      const to = Math.min(parseInt(hi, 16), from + 0xffff);
      const targets = rest.startsWith('[') ? [...rest.matchAll(/<([0-9a-fA-F]*)>/g)].map((m) => m[1]) : null;
      const base = targets ? 0 : parseInt(rest.slice(1, -1) || '0', 16);
      const width = rest.length - 2;
      for (let c = from; c <= to; c++) {
        if (budget-- <= 0) return map;
        map.set(c, targets ? utf16(targets[c - from] ?? '') : utf16((base + c - from).toString(16).padStart(width, '0')));
      }
    }
  }
  return map;
}

/**
 * What reading a PDF's streams may cost: bytes inflated or read, counted
 * every time a stream is read (a form drawn many times counts each time).
 * `OWN_FILE` for a file Bindery wrote, read whole.
 */
export interface InflateBudget {
  /** Largest size of one stream. */
  perStream: number;
  /** Bytes left for the whole file. */
  left: number;
}

/**
 * A stream's decoded bytes, or null when it is not plain or FlateDecode, or
 * would outgrow the budget. Inflated here under the cap rather than by
 * pdf-lib, whose decoder inflates whole deflate blocks at once.
 */
export const OWN_FILE: InflateBudget = { perStream: Number.MAX_SAFE_INTEGER, left: Number.MAX_SAFE_INTEGER };

/**
 * A whole stream inflated into a buffer sized for it: left to size its own,
 * fflate starts every stream with 128 KB more than it has written, a
 * stamp's largest allocation across a book's pages. Page content inflates to
 * 3–5 times its size; a stream that fills the guess (which fflate would cut
 * off there) is inflated again, unbounded.
 */
function inflateWhole(zlib: Uint8Array): Uint8Array {
  const guess = new Uint8Array(zlib.length * 8 + 256);
  const bytes = unzlibSync(zlib, { out: guess });
  return bytes.length < guess.length ? bytes : unzlibSync(zlib);
}

export function streamBytes(stream: unknown, budget: InflateBudget): Uint8Array | null {
  if (!(stream instanceof PDFRawStream)) return null;
  const dict: PDFDict = stream.dict;
  const filter = dict.lookup(PDFName.of('Filter'));
  const filters = filter instanceof PDFArray ? filter.asArray() : filter ? [filter] : [];
  if (filters.length === 0) {
    // Plain streams count against the budget too: a form drawn a thousand times is read a thousand times.
    if (stream.contents.length > Math.min(budget.perStream, budget.left)) return null;
    budget.left -= stream.contents.length;
    return stream.contents;
  }
  if (filters.length !== 1 || filters[0] !== PDFName.of('FlateDecode') || dict.has(PDFName.of('DecodeParms'))) return null;
  const zlib = stream.contents;
  if (budget === OWN_FILE) return inflateWhole(zlib);
  const cap = Math.min(budget.perStream, budget.left);
  const inflated = inflateCapped(zlib, cap);
  budget.left -= inflated === 'over' ? cap : (inflated?.length ?? 0);
  return inflated === 'over' ? null : inflated;
}

/**
 * Flate data inflated up to `cap` bytes: 'over' as soon as it would pass
 * them, null when it is damaged. Fed in steps that cannot inflate far past
 * the cap (deflate's best case is ~1032:1), so a bomb stops early.
 */
function inflateCapped(zlib: Uint8Array, cap: number): Uint8Array | 'over' | null {
  // The zlib header (method 8, check bits) is skipped when present; some writers leave it out.
  const body = (zlib[0] & 0x0f) === 8 && ((zlib[0] << 8) | zlib[1]) % 31 === 0 ? zlib.subarray(2) : zlib;
  const chunks: Uint8Array[] = [];
  let produced = 0;
  let overflow = false;
  const inflater = new Inflate((chunk) => {
    produced += chunk.length;
    if (produced > cap) overflow = true;
    else chunks.push(chunk);
  });
  try {
    for (let at = 0; at < body.length && !overflow; ) {
      const end = Math.min(body.length, at + Math.min(64 * 1024, Math.max(1024, Math.floor((cap - produced) / 1032))));
      inflater.push(body.subarray(at, end), end === body.length);
      at = end;
    }
  } catch {
    return null; // damaged data: this stream reads as nothing, the rest of the file still counts
  }
  if (overflow) return 'over';
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(produced);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** What a file's object streams may inflate to, each and together, before pdf-lib is given it. */
export const OBJECT_STREAM_LIMITS = { perStream: 16 * 1024 * 1024, total: 32 * 1024 * 1024 };

/**
 * Whether every Flate object stream (`/Type /ObjStm`) of an untrusted file
 * inflates within OBJECT_STREAM_LIMITS. pdf-lib inflates each one whole as it
 * loads, before anything of ours reads a byte: a 21 KB file took 860 MB, a
 * 408 KB one ran Node out of heap. Found by searching the bytes, so the check
 * costs no parse; a stream that is damaged is left to pdf-lib to refuse.
 */
export function objectStreamsWithinLimits(bytes: Uint8Array): boolean {
  let left = OBJECT_STREAM_LIMITS.total;
  for (let at = indexOfAscii(bytes, '/ObjStm'); at !== -1; at = indexOfAscii(bytes, '/ObjStm', at + 1)) {
    const keyword = indexOfAscii(bytes, 'stream', at);
    if (keyword === -1) break;
    const end = indexOfAscii(bytes, 'endstream', keyword + 6);
    let start = keyword + 6;
    if (bytes[start] === 0x0d) start++;
    if (bytes[start] === 0x0a) start++;
    if (end === -1 || end <= start) continue;
    const inflated = inflateCapped(bytes.subarray(start, end), Math.min(OBJECT_STREAM_LIMITS.perStream, left));
    if (inflated === 'over') return false;
    left -= inflated?.length ?? 0;
    at = end;
  }
  return true;
}

