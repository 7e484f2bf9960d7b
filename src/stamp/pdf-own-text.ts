/**
 * The text of a PDF Bindery's own writer drew (src/pdf/draw.ts), read fast
 * and in a form the stamper can rewrite: every run with where its baseline
 * number is written in the page's content, so that the layout layer can move
 * whole lines and the text layer can place its marks on them.
 */
import { PDFArray, PDFDict, PDFName, type PDFDocument, type PDFPage } from '@cantoo/pdf-lib';
import { fontReader, type FontReader } from './pdf-fonts.ts';
import { HEX, numberAt, OWN_FILE, streamBytes } from './pdf-syntax.ts';
import { visitPageText, type ShownRun } from './pdf-text.ts';
import { joinBytes } from '../bytes.ts';

/** A run of a page in the writer's shape: `baselineAt` is where its y number starts in the page's content (-1 when it is not written there). */
export interface OwnRun extends ShownRun {
  baselineAt: number;
  /** The y number as written, to be replaced whole. */
  baselineText: string;
}

/** One page of a Bindery PDF: its content streams decoded and joined (as bytes, and as the Latin-1 text of the same bytes), and the runs they show. */
export interface OwnPage {
  bytes: Uint8Array;
  content: string;
  runs: OwnRun[];
}

const LATIN1 = new TextDecoder('latin1');
const WRITER_TEXT = /\bBT(\s[^[<]*?)(-?[\d.]+)(\s+)(-?[\d.]+)\s+T[dm]\s*(\[[^\]]*\]\s*TJ|<[0-9A-Fa-f]*>\s*Tj)\s*ET\b/g;
const SET_FONT = /\/([^\s/<>[\]()]+)\s+(-?[\d.]+)\s+Tf\b/;
/** Character spacing, which a justified CJK line sets instead of a number between every two glyphs. */
const SET_SPACING = /(-?[\d.]+)\s+Tc\b/;

/**
 * The text Bindery's PDF writer drew on a page, read by the one shape its
 * text objects have — `BT [/F 10 Tf] [s Tc] [colour] x y Td|Tm [<glyphs> n <glyphs>] TJ ET`,
 * the font carried over from the previous object when unchanged (or
 * `<glyphs> Tj` as pdf-lib draws) — with a regular expression over the whole
 * content: the general walker (pdf-text.ts, for files from anywhere) costs
 * seconds on a 300-page book, this a fraction of it. A page drawn in another
 * shape (a writer change, a PDF from elsewhere) is read by the general walker
 * instead, and its runs cannot be moved.
 */
export function readOwnPage(doc: PDFDocument, page: PDFPage, fonts: Map<unknown, FontReader>): OwnPage {
  const contents = page.node.Contents();
  const streams = contents instanceof PDFArray ? contents.asArray().map((ref) => doc.context.lookup(ref)) : [contents];
  const parts = streams.map((stream) => streamBytes(stream, OWN_FILE) ?? new Uint8Array());
  const bytes = joinBytes(parts, 0x0a);
  const content = LATIN1.decode(bytes);
  const fontDicts = page.node.Resources()?.lookup(PDFName.of('Font'));
  const runs: OwnRun[] = [];
  let font: FontReader | null = null;
  let fontSize = 0;
  let spacing = 0;
  for (const match of content.matchAll(WRITER_TEXT)) {
    const [, state, x, space, y, shown] = match;
    // Where the y number starts: after `BT`, the state, x and the space after it.
    const baselineAt = match.index + 2 + state.length + x.length + space.length;
    const tf = SET_FONT.exec(state);
    if (tf) {
      const dict = fontDicts instanceof PDFDict ? fontDicts.lookup(PDFName.of(tf[1])) : undefined;
      font = dict instanceof PDFDict ? (fonts.get(dict) ?? fonts.set(dict, fontReader(doc, dict, OWN_FILE)).get(dict)!) : null;
      fontSize = Number(tf[2]);
    }
    const tc = SET_SPACING.exec(state);
    if (tc) spacing = Number(tc[1]);
    if (!font) continue;
    let pen = Number(x);
    const baseline = Number(y);
    // One run per text object, with each glyph's end: justified CJK lines adjust the space after every glyph, and a run per glyph cost more than the rest of a stamp.
    // The shown items, `<hex glyphs>` or a number (an adjustment), are scanned by hand: this loop sees every glyph of the book.
    const step = font.codeBytes * 2;
    const codes: number[] = [];
    const ends: number[] = [];
    let start = pen;
    // The shown items sit at the end of the match, before `ET`; content and bytes share their offsets (Latin-1).
    const shownAt = match.index + match[0].lastIndexOf(shown);
    const shownEnd = shownAt + shown.length;
    for (let i = shownAt; i < shownEnd; i++) {
      const c = bytes[i];
      if (c === 0x3c) {
        const end = bytes.indexOf(0x3e, i);
        for (let k = i + 1; k + step <= end; k += step) {
          let code = 0;
          for (let d = k; d < k + step; d++) code = code * 16 + HEX[bytes[d]];
          if (!codes.length) start = pen;
          codes.push(code);
          pen += (font.width(code) / 1000) * fontSize;
          ends.push(pen);
          pen += spacing;
        }
        i = end;
      } else if (c === 0x2d || c === 0x2e || (c >= 0x30 && c <= 0x39)) {
        // A number, read in place: a justified CJK line has one between every two glyphs.
        let end = i + 1;
        while (end < shownEnd && (bytes[end] === 0x2e || (bytes[end] >= 0x30 && bytes[end] <= 0x39))) end++;
        pen -= ((numberAt(bytes, i, end) ?? 0) * fontSize) / 1000;
        i = end - 1;
      }
    }
    if (codes.length) runs.push({ font, codes, ends, x: start, y: baseline, size: fontSize, baselineAt, baselineText: y });
  }
  if (runs.length === 0) visitPageText(doc, page, OWN_FILE, (run) => runs.push({ ...run, baselineAt: -1, baselineText: '' }));
  return { bytes, content, runs };
}
