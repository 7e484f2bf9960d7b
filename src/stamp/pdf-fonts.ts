/**
 * A PDF font as text extraction sees it: how many bytes a character code
 * takes, what text a code stands for, and how wide it is.
 */
import { PDFArray, PDFDict, PDFName, PDFNumber, type PDFDocument } from '@cantoo/pdf-lib';
import { latin1, MAX_FONT_CODES, parseToUnicode, streamBytes, type InflateBudget } from './pdf-syntax.ts';

export interface FontReader {
  /** The font's /BaseFont, for telling a monospaced (code) face. */
  baseFont: string;
  codeBytes: number;
  /** Text for one character code; '' when unknown. */
  text(code: number): string;
  /** Advance of one code in thousandths of an em. */
  width(code: number): number;
}

/** Glyph names that are not `uniXXXX` but stand for the ASCII punctuation and letters a licence line and sentence ends use. */
const GLYPH_NAMES: Record<string, string> = {
  space: ' ', period: '.', comma: ',', colon: ':', semicolon: ';', exclam: '!', question: '?', underscore: '_', at: '@', hyphen: '-',
  quotesingle: "'", quotedbl: '"', parenleft: '(', parenright: ')', periodcentered: '·', slash: '/',
  zero: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9',
};

function glyphNameText(name: string): string {
  const uni = /^uni([0-9A-Fa-f]{4})/.exec(name) ?? /^u([0-9A-Fa-f]{4,6})$/.exec(name);
  if (uni) return String.fromCodePoint(parseInt(uni[1], 16));
  if (/^[A-Za-z]$/.test(name)) return name;
  return GLYPH_NAMES[name] ?? '';
}

const num = (value: unknown): number => (value instanceof PDFNumber ? value.asNumber() : 0);

/** Reads a font dictionary; its ToUnicode stream is inflated within `budget`. */
export function fontReader(doc: PDFDocument, font: PDFDict, budget: InflateBudget): FontReader {
  const lookup = (dict: PDFDict, key: string) => dict.lookup(PDFName.of(key));
  const baseFont = String(lookup(font, 'BaseFont') ?? '');
  const composite = lookup(font, 'Subtype') === PDFName.of('Type0');
  const cmapBytes = streamBytes(lookup(font, 'ToUnicode'), budget);
  const unicode = cmapBytes ? parseToUnicode(latin1(cmapBytes)) : null;
  const codeBytes = composite ? 2 : 1;
  const names = new Map<number, string>();
  const encoding = lookup(font, 'Encoding');
  const differences = encoding instanceof PDFDict ? encoding.lookup(PDFName.of('Differences')) : undefined;
  if (differences instanceof PDFArray) {
    let code = 0;
    for (const item of differences.asArray()) {
      if (item instanceof PDFNumber) code = item.asNumber();
      else if (item instanceof PDFName) names.set(code++, item.decodeText());
    }
  }
  const widths = new Map<number, number>();
  let defaultWidth = composite ? 1000 : 0;
  if (composite) {
    const descendants = lookup(font, 'DescendantFonts');
    const cid = descendants instanceof PDFArray ? doc.context.lookup(descendants.get(0)) : undefined;
    if (cid instanceof PDFDict) {
      if (lookup(cid, 'DW')) defaultWidth = num(lookup(cid, 'DW'));
      const w = lookup(cid, 'W');
      const items = w instanceof PDFArray ? w.asArray().map((item) => doc.context.lookup(item)) : [];
      let budget = MAX_FONT_CODES;
      for (let k = 0; k < items.length && budget > 0; ) {
        const first = num(items[k]);
        const next = items[k + 1];
        if (next instanceof PDFArray) {
          const list = next.asArray().slice(0, budget);
          list.forEach((width, j) => widths.set(first + j, num(doc.context.lookup(width))));
          budget -= Math.max(1, list.length);
          k += 2;
        } else {
          const last = num(next);
          const width = num(items[k + 2]);
          for (let c = first; c <= last && c - first < 0x10000 && budget > 0; c++, budget--) widths.set(c, width);
          budget--;
          k += 3;
        }
      }
    }
  } else {
    const first = num(lookup(font, 'FirstChar'));
    const list = lookup(font, 'Widths');
    if (list instanceof PDFArray) list.asArray().forEach((width, j) => widths.set(first + j, num(doc.context.lookup(width))));
  }
  return {
    baseFont,
    codeBytes,
    text(code) {
      const mapped = unicode?.get(code);
      if (mapped !== undefined) return mapped;
      const name = names.get(code);
      if (name) return glyphNameText(name);
      return composite ? '' : code >= 0x20 && code < 0x7f ? String.fromCharCode(code) : '';
    },
    width: (code) => widths.get(code) ?? defaultWidth,
  };
}

/** The character codes of a shown string: one byte each in a simple font, two in a composite (Identity-H) one. */
export function codesOf(bytes: Uint8Array, codeBytes: number): number[] {
  const codes: number[] = [];
  for (let k = 0; k + codeBytes <= bytes.length; k += codeBytes) codes.push(codeBytes === 2 ? (bytes[k] << 8) | bytes[k + 1] : bytes[k]);
  return codes;
}
