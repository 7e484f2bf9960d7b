import LineBreaker from 'linebreak';
import { isProhibitedLineEnd, isProhibitedLineStart } from '../language/index.ts';

/**
 * Line breaking: UAX #14 opportunities narrowed by the line-start and line-end
 * prohibitions of W3C clreq (kinsoku; the one list is in src/language), plus
 * hyphenation points marked by the shaper. Justified paragraphs are broken
 * by total fit (Knuth–Plass, see optimal-fit.ts); everything else greedily.
 * Justification spreads a line's slack over word spaces and the gaps next to
 * CJK characters in proportion to how far each may stretch.
 */

export const HARD_BREAK = 0x0a;
const SPACE = 0x20;
/** A space the line may not break at (U+00A0): `10 km`, French `Bonjour !`. */
export const NO_BREAK_SPACE = 0xa0;

/** A space between words, which justification stretches and shrinks: breakable or not. */
export function isWordSpace(cp: number): boolean {
  return cp === SPACE || cp === NO_BREAK_SPACE;
}

/** Han ideographs, kana, bopomofo and Hangul: the characters set on the CJK grid. */
export function isHan(cp: number): boolean {
  return (
    (cp >= 0x2e80 && cp <= 0x2fdf) ||
    (cp >= 0x3040 && cp <= 0x30ff && cp !== 0x30fb) ||
    (cp >= 0x3100 && cp <= 0x312f) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xac00 && cp <= 0xd7af) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x20000 && cp <= 0x3ffff)
  );
}

/** CJK characters including full-width punctuation: gaps next to them may stretch when justifying. */
export function isCjk(cp: number): boolean {
  return isHan(cp) || (cp >= 0x3000 && cp <= 0x303f) || (cp >= 0xff00 && cp <= 0xffef) || cp === 0x2026 || cp === 0x2014 || cp === 0x30fb;
}

/** Latin letters and digits: the other side of the quarter-em Han–Latin gap. */
export function isLatinOrDigit(cp: number): boolean {
  return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || (cp >= 0xc0 && cp <= 0x24f && cp !== 0xd7 && cp !== 0xf7);
}

export const enum Break {
  None = 0,
  Allowed = 1,
  Required = 2,
}

/** Code points' text, made a slice at a time: V8 refuses a call with more than ~120,000 arguments, and a paragraph may be longer. */
export function textOfCodePoints(codePoints: readonly number[]): string {
  let text = '';
  for (let at = 0; at < codePoints.length; at += 8192) text += String.fromCodePoint(...codePoints.slice(at, at + 8192));
  return text;
}

/**
 * Where lines may break, per code point: `result[i]` says whether a line may
 * end before code point `i`. UAX #14 first, then kinsoku removes breaks that
 * would start a line with closing punctuation or end one with an opening bracket.
 */
export function breakOpportunities(codePoints: readonly number[]): Uint8Array {
  const out = new Uint8Array(codePoints.length + 1);
  const text = textOfCodePoints(codePoints);
  // UAX #14 positions are UTF-16 offsets; map them back to code point indices.
  const indexOfOffset = new Int32Array(text.length + 1).fill(-1);
  for (let i = 0, offset = 0; i <= codePoints.length; i++) {
    indexOfOffset[offset] = i;
    offset += (codePoints[i] ?? 0) > 0xffff ? 2 : 1;
  }
  const breaker = new LineBreaker(text);
  for (let bk = breaker.nextBreak(); bk; bk = breaker.nextBreak()) {
    const i = indexOfOffset[bk.position];
    if (i >= 0) out[i] = bk.required ? Break.Required : Break.Allowed;
  }
  for (let i = 1; i < codePoints.length; i++) {
    if (out[i] !== Break.Allowed) continue;
    if (isProhibitedLineStart(codePoints[i]) || isProhibitedLineEnd(codePoints[i - 1])) out[i] = Break.None;
  }
  return out;
}

/** What the breaker needs to know about each code point. */
export interface Measured {
  codePoint: number;
  /** Advance in points. */
  width: number;
  /** Extra space before this character when it does not start a line (the Han–Latin quarter em). */
  gapBefore: number;
  /**
   * Set where a line may end inside a word after this character — a
   * hyphenation point, or any point of a URL — to the width of what is then
   * drawn at the line's end: a hyphen, or nothing in a URL.
   */
  hyphenAfter?: number;
}

export interface LineRange {
  /** First code point of the line. */
  start: number;
  /** One past the last code point drawn (trailing spaces and hard breaks excluded). */
  end: number;
  /** True for a paragraph's last line and lines ended by a hard break: those stay ragged. */
  last: boolean;
  /** The line ends inside a word at a hyphenation point: a hyphen is drawn after it. */
  hyphenated?: boolean;
}

/** The natural width of `chars[start..end)` set on one line. */
export function lineWidth(chars: readonly Measured[], start: number, end: number): number {
  let w = 0;
  for (let i = start; i < end; i++) w += chars[i].width + (i > start ? chars[i].gapBefore : 0);
  return w;
}

/** The natural width of a broken line, its hyphen included. */
export function rangeWidth(chars: readonly Measured[], line: LineRange): number {
  return lineWidth(chars, line.start, line.end) + (line.hyphenated ? (chars[line.end - 1].hyphenAfter ?? 0) : 0);
}

/**
 * Greedy first-fit breaking. Lines end at the last opportunity that fits; a
 * token longer than a whole line (a URL, an identifier, a code line) is cut
 * where it reaches the margin, never before a character that may not start a line.
 */
export function breakLines(chars: readonly Measured[], opportunities: Uint8Array, width: number, keepIndent = false): LineRange[] {
  const lines: LineRange[] = [];
  let start = keepIndent ? 0 : skipSpaces(chars, 0);
  while (start < chars.length) {
    let x = 0;
    let lastBreak = -1;
    let end = chars.length;
    let hard = false;
    let hyphenated = false;
    for (let i = start; i < chars.length; i++) {
      const c = chars[i];
      if (c.codePoint === HARD_BREAK) {
        end = i;
        hard = true;
        break;
      }
      if (i > start && opportunities[i] === Break.Required) {
        end = i;
        hard = true;
        break;
      }
      if (i > start && opportunities[i] !== Break.None) lastBreak = i;
      const w = c.width + (i > start ? c.gapBefore : 0);
      if (x + w > width + 0.01 && i > start && c.codePoint !== SPACE) {
        if (lastBreak > start) end = lastBreak;
        else {
          const hyphenAt = hyphenationBefore(chars, start, i, width);
          hyphenated = hyphenAt !== null;
          end = hyphenAt ?? emergencyBreak(chars, start, i);
        }
        break;
      }
      x += w;
    }
    let drawnEnd = end;
    while (drawnEnd > start && chars[drawnEnd - 1].codePoint === SPACE) drawnEnd--;
    const next = hard ? end + (chars[end]?.codePoint === HARD_BREAK ? 1 : 0) : skipSpaces(chars, end);
    lines.push({ start, end: drawnEnd, last: hard || next >= chars.length, ...(hyphenated ? { hyphenated } : {}) });
    if (hard && next >= chars.length) break;
    start = next;
  }
  return lines;
}

/**
 * A word longer than what is left of a line is hyphenated at its last
 * hyphenation point that fits, hyphen included, rather than cut at the margin.
 */
function hyphenationBefore(chars: readonly Measured[], start: number, overflowAt: number, width: number): number | null {
  for (let end = overflowAt - 1; end > start; end--) {
    const hyphen = chars[end - 1].hyphenAfter;
    if (hyphen !== undefined && lineWidth(chars, start, end) + hyphen <= width + 0.01) return end;
  }
  return null;
}

export function skipSpaces(chars: readonly Measured[], from: number): number {
  let i = from;
  while (i < chars.length && chars[i].codePoint === SPACE) i++;
  return i;
}

/**
 * A forced cut at the margin, moved left past characters that may not start
 * a line. A run of such characters wider than the line has no legal cut; it
 * is then cut at the margin rather than one character per line.
 */
function emergencyBreak(chars: readonly Measured[], start: number, overflowAt: number): number {
  const violates = (at: number) => isProhibitedLineStart(chars[at].codePoint) || isProhibitedLineEnd(chars[at - 1].codePoint);
  let end = overflowAt;
  while (end > start + 1 && violates(end)) end--;
  return violates(end) ? overflowAt : end;
}

/** `——` and `……`: one mark two ems wide, so justification never opens a gap inside them. */
const KEPT_TOGETHER = new Set([0x2014, 0x2026]);

/**
 * How far the gap before `chars[i]` may stretch when justifying (its share
 * of a line's slack): half a word space after a space (a space grows to 1.5×
 * at the line's natural stretch) and a tenth of a CJK character next to one.
 */
export function stretchBefore(chars: readonly Measured[], i: number): number {
  const prev = chars[i - 1].codePoint;
  const cur = chars[i].codePoint;
  if (prev === cur && KEPT_TOGETHER.has(cur)) return 0;
  if (isWordSpace(prev)) return chars[i - 1].width / 2;
  if (isCjk(cur) && !isWordSpace(cur)) return chars[i].width / 10;
  if (isCjk(prev)) return chars[i - 1].width / 10;
  return 0;
}

/**
 * How far the gap before `chars[i]` may shrink: a word space to three quarters
 * (TeX's two thirds of Computer Modern's wide space packs the book face's
 * narrower one too tight to read); CJK gaps not at all.
 */
export function shrinkBefore(chars: readonly Measured[], i: number): number {
  return isWordSpace(chars[i - 1].codePoint) ? chars[i - 1].width / 4 : 0;
}

/**
 * A line stretched further than this many times its stretchability (word
 * spaces over 3.5× their width) is left ragged rather than torn apart.
 */
export const MAX_STRETCH_RATIO = 5;

/**
 * How far a full line must stretch (> 0) or shrink (< 0) to fill `width`, as a
 * share of what its gaps allow: 1 is every word space at 1.5×. Infinity when
 * it has slack and no gap to put it in.
 */
export function adjustmentRatio(chars: readonly Measured[], line: LineRange, width: number): number {
  const slack = width - rangeWidth(chars, line);
  if (Math.abs(slack) <= 0.01) return 0;
  let room = 0;
  for (let i = line.start + 1; i < line.end; i++) room += slack > 0 ? stretchBefore(chars, i) : shrinkBefore(chars, i);
  return room > 0 ? slack / room : slack > 0 ? Infinity : -Infinity;
}

/**
 * Extra space (negative: less) before each character of a full line so that
 * it fills `width`, shared out by each gap's stretch or shrink. Returns null
 * for a last line, a line with no gap to adjust, or one that would stretch
 * past MAX_STRETCH_RATIO (it stays ragged).
 */
export function justify(chars: readonly Measured[], line: LineRange, width: number): Float64Array | null {
  const count = line.end - line.start;
  if (line.last || count < 2) return null;
  const ratio = adjustmentRatio(chars, line, width);
  if (ratio === 0 || !Number.isFinite(ratio) || ratio > MAX_STRETCH_RATIO || ratio < -1) return null;
  const extra = new Float64Array(count);
  for (let i = line.start + 1; i < line.end; i++) extra[i - line.start] = ratio * (ratio > 0 ? stretchBefore(chars, i) : shrinkBefore(chars, i));
  return extra;
}
