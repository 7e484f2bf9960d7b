/**
 * The text layer's code: a purchase id written as a run of invisible
 * characters, and found again in any text that kept them (a reflowed EPUB, a
 * PDF's extracted text, an excerpt pasted into a forum). The layout layer
 * writes the same code's symbols as line shifts (pdf-layout-layer.ts).
 *
 * A mark is the 128 bits of a `pur_…` id and a 32-bit tag, two bits per
 * character over four zero-width characters: 80 characters, the same in
 * every place of one copy. The tag is SipHash-2-4 of the id under a key only
 * the store holds (derived from SIGNING_KEY, `markKeyOf`), so a mark naming a
 * purchase cannot be written by someone who has only seen its printed id.
 * Copies sold before the tag (until 2026-12) carry a CRC-16 instead: 72
 * characters, still read, but as a code anyone could have written.
 *
 * The characters were chosen by measuring what survives copy-paste,
 * NFC/NFKC, calibre and PDF rewriting (docs/decisions.md, "Leak tracing"). A
 * run that fails its check in one place is corrected by a per-character
 * majority vote over the places that share a length.
 */
import { sipHash24 } from '../siphash.ts';

/**
 * Two bits each, in this order: ZERO WIDTH NON-JOINER, ZERO WIDTH JOINER, WORD
 * JOINER, INVISIBLE SEPARATOR. Not ZERO WIDTH SPACE: calibre drops it.
 */
export const MARK_ALPHABET = ['\u200C', '\u200D', '\u2060', '\u2063'] as const;
const SYMBOL = new Map<string, number>(MARK_ALPHABET.map((ch, i) => [ch, i]));
const ID_BYTES = 16;
const PURCHASE_ID = /^pur_([0-9a-f]{32})$/;

/** Whether a purchase id can be written in the text layer: only opaque `pur_` ids can (older checkout-session ids stay in metadata). */
export const isMarkable = (purchaseId: string): boolean => PURCHASE_ID.test(purchaseId);

/** A way of writing a purchase id as two-bit symbols (its 16 bytes, then check bytes), and of reading it back. */
export class MarkCode {
  /** Symbols in one mark. */
  readonly length: number;
  /**
   * Unknown symbols a reader may try every value of (`purchaseOfErased`).
   * Each try is one more chance for a wrong id to pass the check: a 32-bit
   * check affords 4 (256 tries, one wrong pass in 2^24), a CRC-16 none.
   */
  readonly maxErasures: number;
  readonly #bytes: Uint8Array;

  /**
   * @param keyed whether the check needs the store's key: a mark in an unkeyed code could have been written by anyone
   * @param check the check of the id in the first 16 bytes of its argument: its first `checkBytes` bytes are the mark's
   */
  constructor(
    readonly keyed: boolean,
    private readonly checkBytes: number,
    private readonly check: (bytes: Uint8Array) => Uint8Array,
  ) {
    this.#bytes = new Uint8Array(ID_BYTES + checkBytes);
    this.length = this.#bytes.length * 4;
    this.maxErasures = checkBytes >= 4 ? 4 : 0;
  }

  /**
   * The symbols (0–3) that carry `purchaseId`: what the text layer writes as characters and the layout layer as line shifts.
   * @throws Error when the id is not a `pur_` id (check with isMarkable).
   */
  symbols(purchaseId: string): number[] {
    const hex = PURCHASE_ID.exec(purchaseId)?.[1];
    if (!hex) throw new Error(`not a purchase id: ${purchaseId}`);
    const bytes = new Uint8Array(this.#bytes.length);
    for (let i = 0; i < ID_BYTES; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
    bytes.set(this.check(bytes).subarray(0, this.checkBytes), ID_BYTES);
    const symbols: number[] = [];
    for (const byte of bytes) for (let shift = 6; shift >= 0; shift -= 2) symbols.push((byte >> shift) & 3);
    return symbols;
  }

  /** The invisible run that carries `purchaseId`. */
  textMark(purchaseId: string): string {
    return this.symbols(purchaseId).map((symbol) => MARK_ALPHABET[symbol]).join('');
  }

  /** The purchase id the first 64 symbols from `offset` name, whatever their check. */
  idOf(symbols: ArrayLike<number>, offset: number): string {
    readBytes(symbols, offset, this.#bytes, ID_BYTES);
    return idOfBytes(this.#bytes);
  }

  /** The purchase id that `length` symbols from `offset` carry, or null when their check fails. */
  purchaseOf(symbols: ArrayLike<number>, offset: number): string | null {
    // One array for every offset tried: a run is tried at each of its offsets.
    const bytes = readBytes(symbols, offset, this.#bytes, this.#bytes.length);
    const check = this.check(bytes);
    // Compared in full whatever differs: the time taken tells nothing of the check.
    let diff = 0;
    for (let i = 0; i < this.checkBytes; i++) diff |= check[i] ^ bytes[ID_BYTES + i];
    return diff === 0 ? idOfBytes(bytes) : null;
  }

  /**
   * The purchase id that `length` symbols carry when those at the indexes in
   * `erased` are unknown: the first whose check passes over every value they
   * may take, or null (also for more than `maxErasures` of them).
   */
  purchaseOfErased(symbols: number[], erased: readonly number[]): string | null {
    if (erased.length > this.maxErasures) return null;
    const tried = [...symbols];
    for (let values = 0; values < 4 ** erased.length; values++) {
      erased.forEach((at, i) => (tried[at] = (values >> (2 * i)) & 3));
      const id = this.purchaseOf(tried, 0);
      if (id) return id;
    }
    return null;
  }
}

/** Reads the first `count` bytes the symbols from `offset` carry into `bytes`. */
function readBytes(symbols: ArrayLike<number>, offset: number, bytes: Uint8Array, count: number): Uint8Array {
  for (let i = 0; i < count; i++) {
    let byte = 0;
    for (let k = 0; k < 4; k++) byte = (byte << 2) | symbols[offset + i * 4 + k];
    bytes[i] = byte;
  }
  return bytes;
}

/** The purchase id in the first 16 of `bytes`. */
function idOfBytes(bytes: Uint8Array): string {
  let hex = '';
  for (let i = 0; i < ID_BYTES; i++) hex += bytes[i].toString(16).padStart(2, '0');
  return `pur_${hex}`;
}

/** The code new copies carry: the id and 32 bits of its SipHash-2-4 under the 16-byte mark key (`markKeyOf`). */
export function keyedMarkCode(key: Uint8Array): MarkCode {
  if (key.length !== 16) throw new Error(`a mark key is 16 bytes, not ${key.length}`);
  return new MarkCode(true, 4, (bytes) => sipHash24(key, bytes, ID_BYTES));
}

/** The code of copies sold before the keyed one: the id and its CRC-16, which anyone can compute. Read, never written. */
export const UNKEYED_MARK_CODE = new MarkCode(false, 2, (bytes) => {
  const crc = crc16(bytes);
  return Uint8Array.of(crc >> 8, crc & 0xff);
});

/**
 * The codes a reader tries, the keyed one first. Without the key (a reader
 * outside the store) only marks in the unkeyed code can be read.
 */
export const markCodes = (key: Uint8Array | undefined): MarkCode[] => (key ? [keyedMarkCode(key), UNKEYED_MARK_CODE] : [UNKEYED_MARK_CODE]);

/** What the text layer of some text holds: each purchase id found, with how many places carried it and whether any was in the keyed code. */
export type TextMarks = Map<string, { places: number; keyed: boolean }>;

/**
 * Places in the keyed code whose check failed, by the purchase id they name,
 * across a whole file. A copy carries the same mark everywhere, so a file
 * that names an id in more places with a failing tag than with a passing one
 * is trying tags for it (each place is a guess: 278,000 fit in an EPUB), not
 * carrying a copy's mark.
 */
export class FailedChecks {
  /** Distinct ids counted; a file with more failing ids than this (no copy, however damaged) has every keyed text finding doubted. */
  static readonly MAX_IDS = 8_192;
  readonly #byId = new Map<string, number>();
  #overflowed = false;

  add(purchaseId: string): void {
    const seen = this.#byId.get(purchaseId);
    if (seen === undefined && this.#byId.size >= FailedChecks.MAX_IDS) this.#overflowed = true;
    else this.#byId.set(purchaseId, (seen ?? 0) + 1);
  }

  /** Whether a keyed finding of `purchaseId` from `places` places outweighs the places that named it with a failing tag. */
  outweighs(purchaseId: string, places: number): boolean {
    return !this.#overflowed && places >= (this.#byId.get(purchaseId) ?? 0);
  }
}

/** The longest run of mark characters looked at, in marks; longer runs (only a hostile file has them) are cut there. */
const MAX_RUN_MARKS = 16;

/**
 * Every purchase id marked in `text` in one of `codes` (`markCodes`), with
 * the number of places it was read from; keyed places whose check failed go
 * to `failures`. Whitespace inside a run is skipped (text extraction may
 * break a line there); any other character ends the run.
 */
export function findTextMarks(text: string, codes: readonly MarkCode[], failures: FailedChecks = new FailedChecks()): TextMarks {
  const found: TextMarks = new Map();
  const failed = new Map<MarkCode, number[][]>();
  const shortest = Math.min(...codes.map((code) => code.length));
  const longestRun = Math.max(...codes.map((code) => code.length)) * MAX_RUN_MARKS;
  let run: number[] = [];
  const flush = () => {
    if (run.length >= shortest) readRun(run, codes, found, failed, failures);
    run = [];
  };
  for (const ch of text) {
    const symbol = SYMBOL.get(ch);
    if (symbol !== undefined) {
      if (run.length < longestRun) run.push(symbol);
    } else if (!/\s/.test(ch)) flush();
  }
  flush();
  // A code that read nothing here votes over its damaged runs, whatever another code read (a CRC passing by chance must not stop the keyed vote).
  for (const [code, runs] of failed) if (![...found.values()].some((f) => f.keyed === code.keyed)) voted(code, runs, found);
  return found;
}

function count(found: TextMarks, id: string, places: number, keyed: boolean): void {
  const seen = found.get(id);
  found.set(id, { places: (seen?.places ?? 0) + places, keyed: keyed || (seen?.keyed ?? false) });
}

/**
 * Reads whole marks from a run: it may hold several back to back, or a mark
 * with stray characters before or after. The keyed code is tried only where
 * whole marks would start counted from either end of the run, so that every
 * tag tried is counted in `failures`; a run exactly one keyed mark long is
 * read in the keyed code alone (9 offsets of the CRC named a random id in 3%
 * of damaged copies).
 */
function readRun(run: number[], codes: readonly MarkCode[], found: TextMarks, failed: Map<MarkCode, number[][]>, failures: FailedChecks): void {
  const keyedLength = codes.find((code) => code.keyed)?.length;
  const tried = (code: MarkCode, offset: number) =>
    offset + code.length <= run.length && (code.keyed ? offset % code.length === 0 || (run.length - offset) % code.length === 0 : run.length !== keyedLength);
  let offset = 0;
  let read = false;
  next: while (offset < run.length) {
    for (const code of codes) {
      if (!tried(code, offset)) continue;
      const id = code.purchaseOf(run, offset);
      if (!id) {
        if (code.keyed) failures.add(code.idOf(run, offset));
        continue;
      }
      count(found, id, 1, code.keyed);
      offset += code.length;
      read = true;
      continue next;
    }
    offset++;
  }
  const damaged = read ? undefined : codes.find((code) => code.length === run.length);
  if (damaged) {
    const runs = failed.get(damaged) ?? [];
    // Enough damaged copies for any vote; a hostile file of thousands more was copied whole at each one (9 s, 185 MB for 260 KB).
    if (runs.length < MAX_VOTERS) runs.push(run);
    failed.set(damaged, runs);
  }
}

/** Damaged copies of a mark kept for the majority vote. */
const MAX_VOTERS = 1024;

/** A per-character majority over damaged copies of one mark, kept only when its check then passes. */
function voted(code: MarkCode, runs: number[][], found: TextMarks): void {
  if (runs.length < 3) return;
  const consensus = Array.from({ length: code.length }, (_, i) => {
    const votes = [0, 0, 0, 0];
    for (const run of runs) votes[run[i]]++;
    return votes.indexOf(Math.max(...votes));
  });
  const purchaseId = code.purchaseOf(consensus, 0);
  if (purchaseId) count(found, purchaseId, runs.length, code.keyed);
}

/** CRC-16/CCITT-FALSE of each byte value, for a byte at a time. */
const CRC16_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let crc = n << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[n] = crc;
  }
  return table;
})();

/** CRC-16/CCITT-FALSE (polynomial 0x1021, initial value 0xFFFF) of the id in the first 16 bytes. */
function crc16(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (let i = 0; i < ID_BYTES; i++) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[(crc >> 8) ^ bytes[i]];
  return crc;
}
