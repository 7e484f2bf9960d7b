/**
 * The PDF layout layer: the purchase id written in the drawing itself, as
 * tiny vertical shifts of whole text lines (line-shift coding, Brassil et al.
 * 1995), so that it survives what rewrites a PDF (qpdf, Ghostscript, cairo)
 * and the loss of the invisible text layer. It is read by comparing a copy's
 * line positions with the edition's own.
 *
 * The code is the text layer's (text-mark.ts): the 128 bits of the purchase
 * id and a 32-bit keyed tag as 80 two-bit symbols (older copies: a CRC-16, 72
 * symbols). Each coded line carries one symbol as one of four shifts, −3, −1,
 * +1 or +3 × LEVEL points (at most 0.36 pt, 2% of the leading). Coded lines
 * are the lines whose text is unique in the edition (a running head or a
 * folio repeats, so a copy's line could not be told back to its place),
 * numbered through the book; line n carries symbol n mod 80, so the code
 * repeats every 80 lines (four pages or so) and a copy's symbols are voted
 * over every repeat. The symbol is scrambled with a value drawn from n, so
 * that runs of equal symbols do not draw a pattern.
 */
import { MARK_ALPHABET, type MarkCode } from './text-mark.ts';
import type { ShownRun } from './pdf-text.ts';

/**
 * Half the step between shift levels, in points: the smallest shift is
 * ±LEVEL, the largest ±3 × LEVEL. Ghostscript and cairo keep baselines to
 * 0.0004 pt once their scale and offset are fitted (measured:
 * docs/decisions.md), 1/300 of the margin a level has; a whole hundredth so
 * that the writer's two-decimal baselines stay exact.
 */
export const LEVEL = 0.12;
const LEVELS = [-3, -1, 1, 3];
/** Runs whose baselines are this close are one line (a shifted line moves whole; rewriting tools round a little). */
const SAME_LINE = 0.05;
/** A line shorter than this (a list number, a folio) is too likely to repeat to be told back to its place. */
const MIN_KEY_LENGTH = 4;
/** What identifies a line is its first characters or codes: enough to tell lines apart, bounded for a hostile file's endless lines. */
const MAX_KEY_LENGTH = 48;
const INVISIBLE = new RegExp(`[\\s${MARK_ALPHABET.join('')}]`, 'gu');

/** A text line: the runs on one baseline, and what identifies it. */
export interface TextLine {
  y: number;
  /** The line's characters left to right, without white space or mark characters. */
  key: string;
  /**
   * The line's glyph codes left to right: what identifies it after Ghostscript,
   * which keeps the codes of the book's fonts but drops their ToUnicode maps.
   */
  codeKey: string;
  runs: ShownRun[];
}

const visibleTexts = new WeakMap<ShownRun['font'], Map<number, string>>();

/** A code's text without white space or mark characters, remembered per font: a book's lines hold a few thousand distinct codes and hundreds of thousands of glyphs. */
function visibleText(font: ShownRun['font'], code: number): string {
  let texts = visibleTexts.get(font);
  if (!texts) visibleTexts.set(font, (texts = new Map()));
  let text = texts.get(code);
  if (text === undefined) texts.set(code, (text = font.text(code).replace(INVISIBLE, '')));
  return text;
}

/** A page's runs grouped into lines, top to bottom. */
export function textLines(runs: ShownRun[]): TextLine[] {
  const sorted = runs.filter((run) => run.size >= 1).sort((a, b) => b.y - a.y);
  const lines: TextLine[] = [];
  let current: ShownRun[] = [];
  const close = () => {
    if (!current.length) return;
    current.sort((a, b) => a.x - b.x);
    // Keys are collected in arrays and made in one go: strings grown a character at a time are slow to hash as map keys.
    const texts: string[] = [];
    let keyLength = 0;
    const codes: number[] = [];
    let y = 0;
    for (const run of current) {
      y += run.y;
      for (const code of run.codes) {
        if (codes.length >= MAX_KEY_LENGTH && keyLength >= MAX_KEY_LENGTH) break;
        if (codes.length < MAX_KEY_LENGTH) codes.push(code);
        if (keyLength < MAX_KEY_LENGTH) {
          const text = visibleText(run.font, code);
          texts.push(text);
          keyLength += text.length;
        }
      }
    }
    const key = texts.join('').slice(0, MAX_KEY_LENGTH);
    lines.push({ y: y / current.length, key, codeKey: `#${String.fromCharCode(...codes)}`, runs: current });
    current = [];
  };
  for (const run of sorted) {
    if (current.length && current[0].y - run.y > SAME_LINE) close();
    current.push(run);
  }
  close();
  return lines;
}

/** Where a coded line of the edition is: its number in the code and its baseline. */
export interface CodedLine {
  index: number;
  y: number;
}

/**
 * The edition's coded lines, by their text and by their glyph codes: lines
 * whose text appears once in the whole book, numbered in reading order.
 */
export function codedLines(pages: TextLine[][]): Map<string, CodedLine> {
  const seen = new Map<string, number>();
  for (const line of pages.flat()) {
    if (line.key.length < MIN_KEY_LENGTH) continue;
    seen.set(line.key, (seen.get(line.key) ?? 0) + 1);
    seen.set(line.codeKey, (seen.get(line.codeKey) ?? 0) + 1);
  }
  const coded = new Map<string, CodedLine>();
  let index = 0;
  for (const line of pages.flat()) {
    if (seen.get(line.key) !== 1) continue;
    const place = { index: index++, y: line.y };
    coded.set(line.key, place);
    if (seen.get(line.codeKey) === 1) coded.set(line.codeKey, place);
  }
  return coded;
}

/** The scrambling value of line n: a fixed hash, so the reader can undo it. */
const scramble = (n: number): number => (Math.imul(n + 1, 0x9e3779b1) >>> 29) & 3;

/** The four shifts a coded line may take, in points, to two decimals as the writer's baselines are. */
export const SHIFTS = LEVELS.map((level) => Math.round(LEVEL * level * 100) / 100);

/** How far coded line n moves for a purchase's symbols (MarkCode.symbols), in points. */
export const lineShift = (n: number, symbols: number[]): number => SHIFTS[symbols[n % symbols.length] ^ scramble(n)];

/** Every run on a coded line, with that line's number: the runs a stamp moves. */
export function runsOfCodedLines(pages: TextLine[][]): Map<ShownRun, number> {
  const coded = codedLines(pages);
  const runs = new Map<ShownRun, number>();
  for (const line of pages.flat()) {
    const place = coded.get(line.key);
    if (place) for (const run of line.runs) runs.set(run, place.index);
  }
  return runs;
}

/** What a copy's lines told: the purchase, and how many lines carried it. */
export interface LayoutFinding {
  purchaseId: string;
  lines: number;
  /** Whether the lines carried the keyed code (see MarkCode.keyed). */
  keyed: boolean;
}

/** Rounds of deciding each line's level and fitting the page geometry again to the decided shifts. */
const FIT_ROUNDS = 4;

/**
 * The purchase a copy's line positions carry in `code` against the edition's
 * coded lines, or null: when too few lines match, when the shifts do not sit
 * on the code's levels (an unstamped copy, another edition), or when the
 * code's check fails.
 * `pages` are the copy's lines page by page, in page space.
 *
 * A rewriting tool may move and scale the whole drawing a little (cairo sets
 * an A5 page 0.12% smaller): the copy's baselines are fitted as
 * `scale × edition baseline + offset`, first over the unknown shifts (they
 * average out), then again over the shifts each line was read as.
 */
export function readLayout(pages: Pick<TextLine, 'y' | 'key' | 'codeKey'>[][], edition: Map<string, CodedLine>, code: MarkCode): LayoutFinding | null {
  const matched: { index: number; y: number; at: number; level: number }[] = [];
  for (const line of pages.flat()) {
    const place = edition.get(line.key) ?? edition.get(line.codeKey);
    if (place) matched.push({ index: place.index, y: line.y, at: place.y, level: -1 });
  }
  if (matched.length < code.length - code.maxErasures) return null;
  let fit = fitLine(matched.map((m) => [m.at, m.y]));
  if (!(fit.scale > 0.5 && fit.scale < 2)) return null;
  let misfit = 0;
  for (let round = 0; round < FIT_ROUNDS; round++) {
    misfit = 0;
    for (const m of matched) {
      const step = (m.y - fit.offset) / fit.scale - m.at;
      m.level = Math.max(0, Math.min(3, Math.round((step / LEVEL + 3) / 2)));
      misfit += Math.min(1, Math.abs(step / LEVEL - LEVELS[m.level]));
    }
    fit = fitLine(matched.map((m) => [m.at + LEVEL * LEVELS[m.level], m.y]));
    // No tool halves or doubles a page's height and keeps its text: lines that fit so are not this edition's.
    if (!(fit.scale > 0.5 && fit.scale < 2)) return null;
  }
  // Shifts off the levels by half a level on average are no code: the copy is unstamped or of another edition.
  if (misfit / matched.length > 0.5) return null;
  const votes = Array.from({ length: code.length }, () => [0, 0, 0, 0]);
  for (const { index, level } of matched) votes[index % code.length][level ^ scramble(index)]++;
  // A symbol no line carried (a short excerpt) is tried at each value, as far as the code's check allows.
  const erased = votes.flatMap((v, i) => (v.every((n) => n === 0) ? [i] : []));
  const purchaseId = code.purchaseOfErased(votes.map((v) => v.indexOf(Math.max(...v))), erased);
  return purchaseId ? { purchaseId, lines: matched.length, keyed: code.keyed } : null;
}

/**
 * Every purchase a copy's line positions carry, in the first of `codes` that
 * reads (`markCodes`: the keyed code, then the older one): the whole copy's,
 * and those of runs of its pages read on their own, for a copy pieced
 * together from several buyers' copies (the whole then reads as its majority,
 * or as nothing). A run is the fewest consecutive pages that hold a whole
 * code; a purchase read from runs counts only when two runs that share no
 * page agree on it (so a buyer needs pages of two whole codes in the copy),
 * so that a run straddling two buyers' pages, whose check may pass by chance,
 * names no third one. Pages of two buyers interleaved one by one read as
 * neither.
 */
export function readLayouts(pages: Pick<TextLine, 'y' | 'key' | 'codeKey'>[][], edition: Map<string, CodedLine>, codes: readonly MarkCode[]): LayoutFinding[] {
  for (const code of codes) {
    const found = readLayoutsIn(pages, edition, code);
    if (found.length) return found;
  }
  return [];
}

function readLayoutsIn(pages: Pick<TextLine, 'y' | 'key' | 'codeKey'>[][], edition: Map<string, CodedLine>, code: MarkCode): LayoutFinding[] {
  const found = new Map<string, number>();
  const whole = readLayout(pages, edition, code);
  if (whole) found.set(whole.purchaseId, whole.lines);
  const runs = new Map<string, { ends: number[]; lines: number; last: number }>();
  for (let start = 0; start < pages.length; start++) {
    let end = start;
    let count = 0;
    while (end < pages.length && count < code.length) count += pages[end++].length;
    if (count < code.length) break;
    const finding = readLayout(pages.slice(start, end), edition, code);
    if (!finding || finding.purchaseId === whole?.purchaseId) continue;
    const seen = runs.get(finding.purchaseId) ?? { ends: [], lines: 0, last: -1 };
    // Pages counted once: a run overlapping the last one counted adds only its new pages.
    for (let page = Math.max(start, seen.last + 1); page < end; page++) seen.lines += pages[page].length;
    if (seen.ends.length === 0 || start >= seen.ends[0]) seen.ends.push(end);
    seen.last = end - 1;
    runs.set(finding.purchaseId, seen);
  }
  for (const [purchaseId, { ends, lines }] of runs) if (ends.length >= 2) found.set(purchaseId, lines);
  return [...found].map(([purchaseId, lines]) => ({ purchaseId, lines, keyed: code.keyed }));
}

/** Least squares `y = scale × x + offset` through the points. */
function fitLine(points: [number, number][]): { scale: number; offset: number } {
  const n = points.length;
  const mx = points.reduce((sum, [x]) => sum + x, 0) / n;
  const my = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  const scale = sxx > 0 ? sxy / sxx : 1;
  return { scale, offset: my - scale * mx };
}
