/**
 * The text layer's code: a purchase id written as a run of invisible
 * characters, and found again in any text that kept them (a reflowed EPUB, a
 * PDF's extracted text, an excerpt pasted into a forum).
 *
 * A mark is the 128 bits of a `pur_…` id plus a CRC-16, two bits per
 * character over four zero-width characters: 72 characters, the same in every
 * place of one copy. The characters were chosen by measuring what survives
 * copy-paste, NFC/NFKC, calibre and PDF rewriting (docs/decisions.md, "Leak
 * tracing"). A CRC failure in one place is corrected by a per-character
 * majority vote over the places that share a length.
 */

/**
 * Two bits each, in this order: ZERO WIDTH NON-JOINER, ZERO WIDTH JOINER, WORD
 * JOINER, INVISIBLE SEPARATOR. Not ZERO WIDTH SPACE: calibre drops it.
 */
export const MARK_ALPHABET = ['\u200C', '\u200D', '\u2060', '\u2063'] as const;
const SYMBOL = new Map<string, number>(MARK_ALPHABET.map((ch, i) => [ch, i]));
const ID_BYTES = 16;
/** Characters in one mark: (128 id bits + 16 CRC bits) / 2. */
export const MARK_LENGTH = ((ID_BYTES + 2) * 8) / 2;
const PURCHASE_ID = /^pur_([0-9a-f]{32})$/;
/** The longest run of mark characters looked at; longer runs (only a hostile file has them) are cut here. */
const MAX_RUN = MARK_LENGTH * 16;

/** Whether a purchase id can be written in the text layer: only opaque `pur_` ids can (older checkout-session ids stay in metadata). */
export const isMarkable = (purchaseId: string): boolean => PURCHASE_ID.test(purchaseId);

/**
 * The invisible run that carries `purchaseId`.
 * @example textMark('pur_0b8a3c4e5f604a7b8c9d0e1f2a3b4c5d').length // 72
 * @throws Error when the id is not a `pur_` id (check with isMarkable).
 */
export function textMark(purchaseId: string): string {
  const hex = PURCHASE_ID.exec(purchaseId)?.[1];
  if (!hex) throw new Error(`not a purchase id: ${purchaseId}`);
  const bytes = new Uint8Array(ID_BYTES + 2);
  for (let i = 0; i < ID_BYTES; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  const crc = crc16(bytes.subarray(0, ID_BYTES));
  bytes[ID_BYTES] = crc >> 8;
  bytes[ID_BYTES + 1] = crc & 0xff;
  let out = '';
  for (const byte of bytes) for (let shift = 6; shift >= 0; shift -= 2) out += MARK_ALPHABET[(byte >> shift) & 3];
  return out;
}

/** The mark's symbols (0–3, two bits each): what the layout layer writes as line shifts. */
export const markSymbols = (purchaseId: string): number[] => [...textMark(purchaseId)].map((ch) => SYMBOL.get(ch)!);

/** The purchase id MARK_LENGTH symbols carry, or null when their CRC does not check. */
export const purchaseOfSymbols = (symbols: number[]): string | null => (symbols.length === MARK_LENGTH ? decode(symbols, 0) : null);

/** What the text layer of some text holds: each purchase id found, with how many places carried it. */
export type TextMarks = Map<string, number>;

/**
 * Every purchase id marked in `text`, with the number of places it was read
 * from. Whitespace inside a run is skipped (text extraction may break a line
 * there); any other character ends the run.
 */
export function findTextMarks(text: string): TextMarks {
  const found: TextMarks = new Map();
  const failed = new Map<number, number[][]>();
  let run: number[] = [];
  const flush = () => {
    if (run.length >= MARK_LENGTH) readRun(run, found, failed);
    run = [];
  };
  for (const ch of text) {
    const symbol = SYMBOL.get(ch);
    if (symbol !== undefined) {
      if (run.length < MAX_RUN) run.push(symbol);
    } else if (!/\s/.test(ch)) flush();
  }
  flush();
  if (found.size === 0) for (const runs of failed.values()) voted(runs, found);
  return found;
}

/** Reads whole marks from a run: it may hold several back to back, or a mark with stray characters around it. */
function readRun(run: number[], found: TextMarks, failed: Map<number, number[][]>): void {
  let offset = 0;
  let read = false;
  while (offset + MARK_LENGTH <= run.length) {
    const id = decode(run, offset);
    if (id) {
      found.set(id, (found.get(id) ?? 0) + 1);
      offset += MARK_LENGTH;
      read = true;
    } else offset++;
  }
  if (!read && run.length === MARK_LENGTH) {
    const runs = failed.get(MARK_LENGTH) ?? [];
    // Enough damaged copies for any vote; a hostile file of thousands more was copied whole at each one (9 s, 185 MB for 260 KB).
    if (runs.length < MAX_VOTERS) runs.push(run);
    failed.set(MARK_LENGTH, runs);
  }
}

/** Damaged copies of a mark kept for the majority vote. */
const MAX_VOTERS = 1024;

/** A per-character majority over damaged copies of one mark, kept only when its CRC then checks. */
function voted(runs: number[][], found: TextMarks): void {
  if (runs.length < 3) return;
  const consensus = Array.from({ length: MARK_LENGTH }, (_, i) => {
    const votes = [0, 0, 0, 0];
    for (const run of runs) votes[run[i]]++;
    return votes.indexOf(Math.max(...votes));
  });
  const id = decode(consensus, 0);
  if (id) found.set(id, runs.length);
}

/** The bytes `decode` reads symbols into: one array for every offset tried (a run is tried at each of its offsets). */
const decoded = new Uint8Array(ID_BYTES + 2);

function decode(symbols: number[], offset: number): string | null {
  const bytes = decoded;
  for (let i = 0; i < bytes.length; i++) {
    let byte = 0;
    for (let k = 0; k < 4; k++) byte = (byte << 2) | symbols[offset + i * 4 + k];
    bytes[i] = byte;
  }
  const crc = crc16(bytes.subarray(0, ID_BYTES));
  if (bytes[ID_BYTES] !== crc >> 8 || bytes[ID_BYTES + 1] !== (crc & 0xff)) return null;
  let hex = '';
  for (const b of bytes.subarray(0, ID_BYTES)) hex += b.toString(16).padStart(2, '0');
  return `pur_${hex}`;
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

/** CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF. */
function crc16(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[(crc >> 8) ^ byte];
  return crc;
}
