/**
 * The PDF text layer: the buyer's mark (text-mark.ts) drawn as invisible text
 * right after sentence ends in the page's own text flow, so any ~300
 * characters that `pdftotext` or a copy gives carry it.
 *
 * The mark is set in a Type 3 font whose four glyphs draw nothing: there is
 * nothing to see at any zoom or in print, and nothing for a renderer to drop
 * as "invisible text" (cairo drops text drawn in render mode 3). Each glyph
 * advances one em at a size of 0.025 pt, so a whole mark spans 2 pt — it
 * fits in a word space — yet no two glyphs share a position (pdftotext drops a
 * character drawn over the same one). Glyph names are `uniXXXX` as well as
 * mapped by a ToUnicode CMap: Ghostscript drops the CMap, and text extraction
 * then reads the names. Marks are Artifacts: assistive technology skips them.
 */
import { PDFName, type PDFDocument, type PDFRef } from '@cantoo/pdf-lib';
import { flateStream } from '../deflate/pdf-stream.ts';
import { endOf, type ShownRun } from './pdf-text.ts';
import { MARK_ALPHABET } from './text-mark.ts';

const MARK_SIZE = 0.025;
/** Visible characters after a mark before the next one, placed at the next sentence or clause end. */
const SPACING = 110;
const FIRST_CODE = 0x41;
const LATIN_END = new Set('.!?;:,)"\'’”');
const CJK_END = new Set('。！？；：，、」』）》');
/** What a glyph maps to when it shows no character: nothing, or white space. */
const blank = (text: string | null) => text === null || text === '' || text === ' ' || text === '\u00a0' || text === '\u3000';

const glyphName = (ch: string) => `uni${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Registers the mark font: four empty glyphs, one per character of the mark alphabet. */
function markFont(doc: PDFDocument): PDFRef {
  const ctx = doc.context;
  const empty = ctx.register(ctx.stream('1000 0 d0'));
  const names = MARK_ALPHABET.map(glyphName);
  const bfchar = MARK_ALPHABET.map((ch, i) => `<${(FIRST_CODE + i).toString(16)}> <${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`).join('\n');
  const cmap = `/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Bindery-Mark-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<00> <FF>\nendcodespacerange\n${MARK_ALPHABET.length} beginbfchar\n${bfchar}\nendbfchar\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend`;
  return ctx.register(
    ctx.obj({
      Type: 'Font',
      Subtype: 'Type3',
      FontBBox: [0, 0, 1000, 0],
      FontMatrix: [0.001, 0, 0, 0.001, 0, 0],
      CharProcs: Object.fromEntries(names.map((name) => [name, empty])),
      Encoding: { Type: 'Encoding', Differences: [FIRST_CODE, ...names.map((name) => PDFName.of(name))] },
      FirstChar: FIRST_CODE,
      LastChar: FIRST_CODE + MARK_ALPHABET.length - 1,
      Widths: MARK_ALPHABET.map(() => 1000),
      Resources: {},
      ToUnicode: ctx.register(flateStream(ctx, cmap)),
    }),
  );
}

const MONO = /mono|courier|code/i;

/** A place for a mark: the end of a sentence on `run`'s baseline. */
export interface MarkPlace<Run extends ShownRun = ShownRun> {
  x: number;
  y: number;
  run: Run;
}

/**
 * Where marks go on one page: after sentence ends, every SPACING characters
 * or so, and at least once on a page with text. Code (a monospaced face) is
 * left alone: a reader copies and runs it.
 */
export function markPlaces<Run extends ShownRun>(runs: Run[]): MarkPlace<Run>[] {
  const places: MarkPlace<Run>[] = [];
  let since = SPACING - 30;
  let lastEnd: MarkPlace<Run> | null = null;
  let lastChar: MarkPlace<Run> | null = null;
  for (let r = 0; r < runs.length; r++) {
    const run = runs[r];
    if (run.size < 1 || MONO.test(run.font.baseFont)) continue;
    const { codes, font } = run;
    for (let i = 0; i < codes.length; i++) {
      const text = font.text(codes[i]);
      if (blank(text)) continue;
      since += text.length;
      const cjk = CJK_END.has(text);
      if (!cjk && !LATIN_END.has(text)) continue;
      const next = i + 1 < codes.length ? font.text(codes[i + 1]) : null;
      // A Latin stop ends a sentence before a space, or at the end of its run (a line end or a justified gap).
      const isEnd = cjk ? next === null || !CJK_END.has(next) : blank(next);
      if (!isEnd) continue;
      lastEnd = { x: endOf(run, i), y: run.y, run };
      if (since >= SPACING) {
        places.push(lastEnd);
        since = 0;
      }
    }
    lastChar = { x: endOf(run, codes.length - 1), y: run.y, run };
  }
  const last = lastEnd ?? lastChar;
  if (places.length === 0 && last) places.push(last);
  return places;
}

/**
 * The operators that draw `mark` at each page's places, by page index (empty
 * for a page without places); the caller adds them to the pages.
 */
export function textLayerOps(doc: PDFDocument, mark: string, placesByPage: { x: number; y: number }[][]): string[] {
  const font = markFont(doc);
  const codes = [...mark].map((ch) => String.fromCharCode(FIRST_CODE + MARK_ALPHABET.indexOf(ch as (typeof MARK_ALPHABET)[number]))).join('');
  return doc.getPages().map((page, i) => {
    const places = placesByPage[i];
    if (!places?.length) return '';
    const name = page.node.newFontDictionary('BinderyMark', font).toString();
    return places.map(({ x, y }) => `/Artifact BMC BT ${name} ${MARK_SIZE} Tf 1 0 0 1 ${x.toFixed(2)} ${y.toFixed(2)} Tm (${codes}) Tj ET EMC`).join('\n');
  });
}
