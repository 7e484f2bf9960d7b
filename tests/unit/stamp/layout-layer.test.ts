import { describe, expect, it } from 'vitest';
import type { FontReader } from '../../../src/stamp/pdf-fonts.ts';
import { codedLines, LEVEL, lineShift, readLayout, readLayouts, runsOfCodedLines, textLines, type TextLine } from '../../../src/stamp/pdf-layout-layer.ts';
import { keyedMarkCode, markCodes, UNKEYED_MARK_CODE, type MarkCode } from '../../../src/stamp/text-mark.ts';
import { MARK_CODE, MARK_KEY, OTHER_MARK_KEY } from '../../support/mark-key.ts';
import type { ShownRun } from '../../../src/stamp/pdf-text.ts';

const ANA = 'pur_0b8a3c4e5f604a7b8c9d0e1f2a3b4c5d';
const BEN = 'pur_ffeeddccbbaa99887766554433221100';

/** A font whose codes are the characters themselves. */
const font: FontReader = { baseFont: 'Serif', codeBytes: 2, text: (code) => String.fromCharCode(code), width: () => 500 };
const run = (text: string, y: number, x = 50): ShownRun => ({ font, codes: [...text].map((ch) => ch.charCodeAt(0)), x, y, size: 10 });

/** An edition of 12 pages, 27 lines each, under a running head that repeats on every page. */
const edition: ShownRun[][] = Array.from({ length: 12 }, (_, page) => [
  run('A Running Head', 560),
  ...Array.from({ length: 27 }, (_, line) => run(`Page ${page} line ${line} says something of its own`, 530 - line * 20)),
]);
const editionLines = edition.map(textLines);

/** How far each run of the edition moves for a purchase: its coded line's shift (as the stamp plan moves it). */
function layoutShifts(lines: TextLine[][], purchaseId: string, code: MarkCode = MARK_CODE): Map<ShownRun, number> {
  const symbols = code.symbols(purchaseId);
  return new Map([...runsOfCodedLines(lines)].map(([r, line]) => [r, lineShift(line, symbols)]));
}

/** A copy of the edition for a purchase, its baselines put through `transform` (what a rewriting tool does to them). */
function copyFor(purchaseId: string, transform = (y: number) => y, code: MarkCode = MARK_CODE): Pick<TextLine, 'y' | 'key' | 'codeKey'>[][] {
  const shifts = layoutShifts(editionLines, purchaseId, code);
  return edition.map((runs) => textLines(runs.map((r) => ({ ...r, y: transform(r.y + (shifts.get(r) ?? 0)) }))));
}

describe('the layout layer code', () => {
  it('moves every line whose text is unique by ±0.12 or ±0.36 pt, and the repeated running head not at all', () => {
    const shifts = layoutShifts(editionLines, ANA);
    expect(shifts.size).toBe(12 * 27);
    expect(new Set([...shifts.values()].map((by) => Math.abs(by)))).toEqual(new Set([LEVEL, 3 * LEVEL]));
    expect(edition.every((runs) => !shifts.has(runs[0]))).toBe(true);
  });

  it("reads each buyer's copy back as its own purchase, and the unstamped edition as none", () => {
    const coded = codedLines(editionLines);
    expect(readLayout(copyFor(ANA), coded, MARK_CODE)).toEqual({ purchaseId: ANA, lines: 324, keyed: true });
    expect(readLayout(copyFor(BEN), coded, MARK_CODE)).toEqual({ purchaseId: BEN, lines: 324, keyed: true });
    expect(readLayout(editionLines, coded, MARK_CODE)).toBeNull();
  });

  it('reads nothing from a copy whose lines were moved for a purchase by someone without the key (the older code had none: anyone could)', () => {
    const coded = codedLines(editionLines);
    const forged = copyFor(ANA, undefined, keyedMarkCode(OTHER_MARK_KEY));
    expect(readLayouts(forged, coded, markCodes(MARK_KEY))).toEqual([]);
    // The older code, as copies sold before the key carry it: still read, as unkeyed.
    expect(readLayouts(copyFor(ANA, undefined, UNKEYED_MARK_CODE), coded, markCodes(MARK_KEY))).toEqual([{ purchaseId: ANA, lines: 324, keyed: false }]);
    // Without the key, a keyed copy reads as nothing.
    expect(readLayouts(copyFor(ANA), coded, markCodes(undefined))).toEqual([]);
  });

  it('reads a copy that a tool scaled and moved (cairo sets A5 0.12% smaller) and rounded to 0.01 pt', () => {
    const coded = codedLines(editionLines);
    const cairo = (y: number) => Math.round((0.998785 * y + 0.724) * 100) / 100;
    expect(readLayout(copyFor(ANA, cairo), coded, MARK_CODE)?.purchaseId).toBe(ANA);
  });

  it('reads three pages of 27 lines cut out of the book (80 lines carry one whole code), and not two', () => {
    const coded = codedLines(editionLines);
    expect(readLayout(copyFor(ANA).slice(5, 7), coded, MARK_CODE)).toBeNull();
    expect(readLayout(copyFor(ANA).slice(5, 8), coded, MARK_CODE)?.purchaseId).toBe(ANA);
  });

  it('reads an excerpt a few lines short of a whole code, trying the symbols no line carried (as far as the keyed check allows), but not the older code so', () => {
    const coded = codedLines(editionLines);
    // Pages 5–7 hold 81 coded lines, every one of the 80 symbols; lines are numbered page × 27 + line.
    const without = (pages: Pick<TextLine, 'y' | 'key' | 'codeKey'>[][], lines: number[]) => pages.map((page, p) => page.filter((_, i) => !lines.includes((p + 5) * 27 + i - 1)));
    const excerpt = copyFor(ANA).slice(5, 8);
    expect(readLayout(without(excerpt, [160, 161, 162]), coded, MARK_CODE)).toEqual({ purchaseId: ANA, lines: 78, keyed: true });
    expect(readLayout(without(excerpt, [160, 161, 162, 163, 164]), coded, MARK_CODE)).toBeNull();
    const older = copyFor(ANA, undefined, UNKEYED_MARK_CODE).slice(5, 8);
    expect(readLayout(older, coded, UNKEYED_MARK_CODE)?.purchaseId).toBe(ANA);
    expect(readLayout(without(older, [150]), coded, UNKEYED_MARK_CODE)).toBeNull();
  });

  it('finds nothing in a copy of another edition, or in lines moved at random', () => {
    const coded = codedLines(editionLines);
    const other = codedLines(edition.map((runs) => textLines(runs.map((r) => ({ ...r, codes: [...r.codes, 0x2e] })))));
    expect(readLayout(copyFor(ANA), other, MARK_CODE)).toBeNull();
    let seed = 7;
    const jitter = (y: number) => y + (((seed = (seed * 48271) % 2147483647) / 2147483647) - 0.5) * 0.8;
    expect(readLayout(copyFor(ANA, jitter), coded, MARK_CODE)).toBeNull();
  });

  it("reads both buyers of a copy pieced together from their pages, where the whole read as the majority's or as nobody's", () => {
    const coded = codedLines(editionLines);
    const ana = copyFor(ANA);
    const ben = copyFor(BEN);
    const ids = (pages: typeof ana) => readLayouts(pages, coded, markCodes(MARK_KEY)).map((f) => f.purchaseId).sort();
    // One reading of the whole gives one purchase at most: here, none.
    expect(readLayout([...ana.slice(0, 6), ...ben.slice(6)], coded, MARK_CODE)).toBeNull();
    expect(ids([...ana.slice(0, 6), ...ben.slice(6)])).toEqual([ANA, BEN].sort());
    expect(ids([...ben.slice(0, 6), ...ana.slice(6, 9), ...ben.slice(9)])).toEqual([BEN]);
    // A buyer is named from pages that hold two whole codes (here 6 of 27 lines): three pages of Ben's are too few to be sure of.
    expect(ids([...ben.slice(0, 3), ...ana.slice(3)])).toEqual([ANA]);
    expect(readLayouts(ana, coded, markCodes(MARK_KEY))).toEqual([{ purchaseId: ANA, lines: 324, keyed: true }]);
    expect(readLayouts(editionLines, coded, markCodes(MARK_KEY))).toEqual([]);
  });

  it('names no third buyer in pages of two buyers interleaved one by one', () => {
    const coded = codedLines(editionLines);
    const ana = copyFor(ANA);
    const ben = copyFor(BEN);
    const interleaved = ana.map((page, i) => (i % 2 ? ben[i] : page));
    for (const { purchaseId } of readLayouts(interleaved, coded, markCodes(MARK_KEY))) expect([ANA, BEN]).toContain(purchaseId);
  });
});
