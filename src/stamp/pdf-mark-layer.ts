/**
 * The PDF text layer: the buyer's mark (text-mark.ts) drawn as invisible text
 * right after sentence ends in the page's own text flow, so any ~300
 * characters that `pdftotext` or a copy gives carry it.
 *
 * The mark is set in a Type 3 font whose four glyphs draw nothing: there is
 * nothing to see at any zoom or in print, and nothing for a renderer to drop
 * as "invisible text" (cairo drops text drawn in render mode 3). Each glyph
 * advances one em at a size of 0.025 pt, so a whole mark spans 1.8 pt — it
 * fits in a word space — yet no two glyphs share a position (pdftotext drops a
 * character drawn over the same one). Glyph names are `uniXXXX` as well as
 * mapped by a ToUnicode CMap: Ghostscript drops the CMap, and text extraction
 * then reads the names. Marks are Artifacts: assistive technology skips them.
 */
import { PDFName, type PDFDocument, type PDFRef } from '@cantoo/pdf-lib';
import { visitPageText, type ShownChar } from './pdf-text.ts';
import type { InflateBudget } from './pdf-syntax.ts';
import { MARK_ALPHABET } from './text-mark.ts';

const MARK_SIZE = 0.025;
/** Visible characters after a mark before the next one, placed at the next sentence or clause end. */
const SPACING = 110;
const FIRST_CODE = 0x41;
const LATIN_END = /[.!?;:,)"'’”]/;
const CJK_END = /[。！？；：，、」』）》]/;
/** Our own PDFs: content streams are read whole (they are the writer's, not an upload). */
const OWN_FILE: InflateBudget = { perStream: 256 * 1024 * 1024, left: Number.MAX_SAFE_INTEGER };

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
      ToUnicode: ctx.register(ctx.flateStream(cmap)),
    }),
  );
}

/** Where marks go on one page: after sentence ends, every SPACING characters or so, and at least once on a page with text. */
export function markPlaces(chars: ShownChar[]): { x: number; y: number }[] {
  const places: { x: number; y: number }[] = [];
  let since = SPACING - 30;
  let lastEnd: ShownChar | null = null;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch.mono || ch.size < 1 || !ch.text.trim()) continue;
    since += [...ch.text].length;
    const next = chars[i + 1];
    const endsLine = !next || next.y !== ch.y || next.x > ch.end + ch.size * 0.15 || !next.text.trim();
    const isEnd = CJK_END.test(ch.text) ? !next || !CJK_END.test(next.text) : LATIN_END.test(ch.text) && endsLine;
    if (!isEnd) continue;
    lastEnd = ch;
    if (since >= SPACING) {
      places.push({ x: ch.end, y: ch.y });
      since = 0;
    }
  }
  const last = lastEnd ?? chars.findLast((ch) => !ch.mono && ch.size >= 1 && ch.text.trim());
  if (places.length === 0 && last) places.push({ x: last.end, y: last.y });
  return places;
}

/** Draws `mark` into every page's text flow. Reads the pages' text before anything else is added to them. */
export function addTextLayer(doc: PDFDocument, mark: string): void {
  const font = markFont(doc);
  const codes = [...mark].map((ch) => String.fromCharCode(FIRST_CODE + MARK_ALPHABET.indexOf(ch as (typeof MARK_ALPHABET)[number]))).join('');
  for (const page of doc.getPages()) {
    const chars: ShownChar[] = [];
    visitPageText(doc, page, OWN_FILE, (ch) => chars.push(ch));
    const places = markPlaces(chars);
    if (places.length === 0) continue;
    const name = page.node.newFontDictionary('BinderyMark', font).toString();
    const ops = places.map(({ x, y }) => `/Artifact BMC BT ${name} ${MARK_SIZE} Tf 1 0 0 1 ${x.toFixed(2)} ${y.toFixed(2)} Tm (${codes}) Tj ET EMC`);
    page.node.addContentStream(doc.context.register(doc.context.flateStream(`q\n${ops.join('\n')}\nQ`)));
  }
}
