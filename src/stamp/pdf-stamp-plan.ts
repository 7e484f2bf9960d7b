/**
 * What every buyer's stamp of one PDF edition shares, worked out once per
 * edition: each page's drawing compressed with a slot at every coded line's
 * baseline number (src/deflate/compress.ts), the coded line each slot moves, and
 * the places of the text layer's marks. A buyer's stamp fills the slots with
 * the purchase's shifts and draws the marks there: no page is read, inflated
 * or deflated for a buyer.
 *
 * A plan is kept beside its edition (the store passes `StampOptions.plan`),
 * bound to the edition's SHA-256: a plan of other bytes is not used.
 */
import type { PDFDocument } from '@cantoo/pdf-lib';
import { joinBytes } from '../bytes.ts';
import { lineShift, runsOfCodedLines, SHIFTS, textLines } from './pdf-layout-layer.ts';
import { markPlaces } from './pdf-mark-layer.ts';
import { readOwnPage, type OwnRun } from './pdf-own-text.ts';
import type { FontReader } from './pdf-fonts.ts';
import { deflateWithSlots, fillSlots, SLOT_BYTES, type SlottedStream } from '../deflate/compress.ts';

/** One page's share of a plan. */
export interface PagePlan {
  /**
   * The page's drawing bracketed in q … Q, with a slot at each coded line's
   * baseline; null when no line of the page can move (its drawing is kept).
   */
  drawing: SlottedStream | null;
  /** Per slot: the baseline as the edition draws it, and the number of the coded line it belongs to. */
  baselines: { y: number; line: number }[];
  /** Where the text layer's marks go: x, the edition's baseline, and the coded line moved with it (-1: none). */
  marks: { x: number; y: number; line: number }[];
}

export interface StampPlan {
  /** The edition's SHA-256, hex. */
  edition: string;
  pages: PagePlan[];
}

const MAGIC = 'BSP1';
/**
 * What a plan means: raise it whenever plans are worked out differently
 * (coded lines, shifts, mark places, slots, the format), so that the plans an
 * older deploy kept in R2 are made again rather than used.
 */
const PLAN_VERSION = 1;
const SLOT_BYTES_CODES = [...SLOT_BYTES].map((ch) => ch.charCodeAt(0));
const decoder = new TextDecoder();
const encoder = new TextEncoder();
const OPEN = encoder.encode('q\n');
const CLOSE = encoder.encode('\nQ\n');
const baseline = (y: number): string => (Math.round(y * 100) / 100).toFixed(2);

/** Works out the plan for an edition (loaded as `doc`, whose bytes hash to `edition`). */
export function planPdfStamp(doc: PDFDocument, edition: string): StampPlan {
  const fonts = new Map<unknown, FontReader>();
  const pages = doc.getPages().map((page) => readOwnPage(doc, page, fonts));
  const lineOf = runsOfCodedLines(pages.map((page) => textLines(page.runs)));
  return {
    edition,
    pages: pages.map((page) => {
      // A run that cannot be moved (read by the general walker) keeps its marks unmoved too.
      const movable = (run: OwnRun) => (run.baselineAt >= 0 ? (lineOf.get(run) ?? -1) : -1);
      const marks = markPlaces(page.runs).map(({ x, y, run }) => ({ x, y, line: movable(run) }));
      const parts: Uint8Array[] = [OPEN];
      const slots: { at: number; width: number }[] = [];
      const baselines: PagePlan['baselines'] = [];
      let from = 0;
      let at = OPEN.length;
      // Runs come in content order; a text object's runs share its baseline number.
      for (const run of page.runs) {
        const line = movable(run);
        if (line < 0 || run.baselineAt < from) continue;
        // The slot holds the baseline and any shift of it at one width, padded with spaces before it.
        const width = Math.max(...[0, ...SHIFTS].map((shift) => baseline(run.y + shift).length));
        parts.push(page.bytes.subarray(from, run.baselineAt));
        at += run.baselineAt - from;
        slots.push({ at, width });
        baselines.push({ y: run.y, line });
        parts.push(encoder.encode(baseline(run.y).padStart(width)));
        at += width;
        from = run.baselineAt + run.baselineText.length;
      }
      if (!slots.length) return { drawing: null, baselines, marks };
      parts.push(page.bytes.subarray(from), CLOSE);
      return { drawing: deflateWithSlots(joinBytes(parts), slots), baselines, marks };
    }),
  };
}

/** A page's drawing (a zlib stream) with its coded lines moved for a purchase (its markSymbols); null for a page whose drawing is kept. */
export function shiftedDrawing({ drawing, baselines }: PagePlan, symbols: number[]): Uint8Array | null {
  if (!drawing) return null;
  return fillSlots(drawing, (i) => {
    const { y, line } = baselines[i];
    return encoder.encode(baseline(y + lineShift(line, symbols)).padStart(drawing.slots[i].text.length));
  });
}

/** The places of a page's marks for a purchase: on the lines where they now are. */
export const shiftedMarks = (page: PagePlan, symbols: number[]): { x: number; y: number }[] =>
  page.marks.map(({ x, y, line }) => ({ x, y: line < 0 ? y : y + lineShift(line, symbols) }));

/**
 * A plan as bytes to keep beside its edition: the magic, the length of a JSON
 * header, the header (every page's slots, baselines and marks), then the
 * pages' compressed drawings one after another.
 */
export function encodePlan(plan: StampPlan): Uint8Array {
  const header = {
    version: PLAN_VERSION,
    edition: plan.edition,
    pages: plan.pages.map(({ drawing, baselines, marks }) => ({
      drawing: drawing && {
        byteLength: drawing.bytes.length,
        bits: drawing.bits,
        length: drawing.length,
        adler: [drawing.adlerA, drawing.adlerB],
        codes: SLOT_BYTES_CODES.map((byte) => [drawing.codes[byte], drawing.codeLengths[byte]]),
        slots: drawing.slots.map((slot) => [slot.bitAt, slot.bitEnd, slot.at, decoder.decode(slot.text)]),
      },
      baselines: baselines.flatMap(({ y, line }) => [y, line]),
      marks: marks.flatMap(({ x, y, line }) => [x, y, line]),
    })),
  };
  const json = encoder.encode(JSON.stringify(header));
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, json.length);
  return joinBytes([encoder.encode(MAGIC), length, json, ...plan.pages.flatMap((page) => (page.drawing ? [page.drawing.bytes] : []))]);
}

/**
 * The plan `bytes` hold, when they are a plan of this edition (its SHA-256)
 * with `pageCount` pages; null otherwise (missing, of other bytes, damaged),
 * and the caller works the plan out again.
 */
export function decodePlan(bytes: Uint8Array | null, edition: string, pageCount: number): StampPlan | null {
  if (!bytes || bytes.length < 8 || decoder.decode(bytes.subarray(0, 4)) !== MAGIC) return null;
  try {
    const jsonLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4);
    const header: unknown = JSON.parse(decoder.decode(bytes.subarray(8, 8 + jsonLength)));
    if (!isPlanHeader(header) || header.edition !== edition || header.pages.length !== pageCount) return null;
    let at = 8 + jsonLength;
    const pages = header.pages.map(({ drawing, baselines, marks }): PagePlan => {
      const plan: PagePlan = {
        drawing: null,
        baselines: Array.from({ length: baselines.length / 2 }, (_, i) => ({ y: baselines[2 * i], line: baselines[2 * i + 1] })),
        marks: Array.from({ length: marks.length / 3 }, (_, i) => ({ x: marks[3 * i], y: marks[3 * i + 1], line: marks[3 * i + 2] })),
      };
      if (!drawing) return plan;
      const codes = new Uint16Array(256);
      const codeLengths = new Uint8Array(256);
      SLOT_BYTES_CODES.forEach((byte, i) => ([codes[byte], codeLengths[byte]] = drawing.codes[i]));
      plan.drawing = {
        bytes: bytes.subarray(at, (at += drawing.byteLength)),
        bits: drawing.bits,
        length: drawing.length,
        adlerA: drawing.adler[0],
        adlerB: drawing.adler[1],
        codes,
        codeLengths,
        slots: drawing.slots.map(([bitAt, bitEnd, slotAt, text]) => ({ bitAt, bitEnd, at: slotAt, text: encoder.encode(text) })),
      };
      return plan;
    });
    return at === bytes.length ? { edition, pages } : null;
  } catch {
    return null;
  }
}

/** The header of an encoded plan, as encodePlan writes it. */
interface EncodedPlan {
  version: number;
  edition: string;
  pages: EncodedPage[];
}
interface EncodedPage {
  drawing: { byteLength: number; bits: number; length: number; adler: [number, number]; codes: [number, number][]; slots: [number, number, number, string][] } | null;
  baselines: number[];
  marks: number[];
}

const isCount = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;
/** JSON's 1e999 reads as Infinity. */
const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * Whether `header` is a plan header of this version whose every page's parts
 * agree: checked whole when read back, since every buyer's copy is made from
 * it (a number out of place would write a broken page, or stop the stamp).
 * Checked by hand rather than by a zod schema: over a book's thousands of
 * slots a schema took 15 ms of every buyer's stamp, this under 2.
 */
function isPlanHeader(header: unknown): header is EncodedPlan {
  return isObject(header) && header.version === PLAN_VERSION && typeof header.edition === 'string' && Array.isArray(header.pages) && header.pages.every(isPageHeader);
}

/** A page's parts agree: a baseline and whole coded line number per slot, slots in order inside the drawing's bits and input, each as many bits as its text's codes, marks in threes. */
function isPageHeader(page: unknown): page is EncodedPage {
  if (!isObject(page)) return false;
  const { drawing, baselines, marks } = page;
  if (!Array.isArray(baselines) || !Array.isArray(marks) || baselines.length % 2 !== 0 || marks.length % 3 !== 0) return false;
  for (let i = 0; i < marks.length; i += 3) if (!isFiniteNumber(marks[i]) || !isFiniteNumber(marks[i + 1]) || !Number.isInteger(marks[i + 2]) || marks[i + 2] < -1) return false;
  for (let i = 0; i < baselines.length; i += 2) if (!isFiniteNumber(baselines[i]) || !isCount(baselines[i + 1])) return false;
  if (drawing === null) return baselines.length === 0;
  if (!isObject(drawing)) return false;
  const { byteLength, bits, length, adler, codes, slots } = drawing;
  if (!isCount(byteLength) || !isCount(bits) || !isCount(length) || bits > byteLength * 8) return false;
  if (!Array.isArray(adler) || adler.length !== 2 || !adler.every((sum) => isCount(sum) && sum < 65521)) return false;
  const codeOk = (code: unknown) => Array.isArray(code) && code.length === 2 && isCount(code[0]) && Number.isInteger(code[1]) && code[1] >= 1 && code[1] <= 15 && code[0] < 1 << code[1];
  if (!Array.isArray(codes) || codes.length !== SLOT_BYTES.length || !codes.every(codeOk)) return false;
  if (!Array.isArray(slots) || slots.length === 0 || baselines.length !== 2 * slots.length) return false;
  let bit = 0;
  let at = 0;
  for (const slot of slots) {
    if (!Array.isArray(slot) || slot.length !== 4) return false;
    const [bitAt, bitEnd, slotAt, text] = slot;
    if (!isCount(bitAt) || !isCount(bitEnd) || !isCount(slotAt) || typeof text !== 'string' || text.length === 0) return false;
    let textBits = 0;
    for (const ch of text) {
      const k = SLOT_BYTES.indexOf(ch);
      if (k < 0) return false;
      textBits += codes[k][1];
    }
    if (bitAt < bit || bitEnd - bitAt !== textBits || slotAt < at) return false;
    bit = bitEnd;
    at = slotAt + text.length;
  }
  return bit <= bits && at <= length;
}
