/**
 * Text shown on a PDF page, character by character with its position: what
 * the text layer is placed by (in Bindery's own PDFs) and read from (in any
 * PDF, after qpdf, Ghostscript or cairo rewrote it).
 */
import { PDFArray, PDFDict, PDFName, PDFNumber, PDFRawStream, type PDFDocument, type PDFPage } from '@cantoo/pdf-lib';
import { codesOf, fontReader, type FontReader } from './pdf-fonts.ts';
import { operations, streamBytes, type InflateBudget, type Operand } from './pdf-syntax.ts';
import { joinBytes } from '../bytes.ts';

/** One shown string: its character codes in one font, from `x` on baseline `y` at `size`, all in page space (the text and graphics matrices applied). */
export interface ShownRun {
  font: FontReader;
  codes: number[];
  x: number;
  y: number;
  size: number;
  /** Where each character ends, when the run spans kerning or justification adjustments (one text object of Bindery's own writer); otherwise the widths add up from `x`. */
  ends?: number[];
}

/** Where a run's `index`th character ends. */
export const endOf = (run: ShownRun, index: number): number => {
  if (run.ends) return run.ends[index];
  let x = run.x;
  for (let k = 0; k <= index; k++) x += (run.font.width(run.codes[k]) / 1000) * run.size;
  return x;
};

/** Forms drawn inside forms are followed this deep, no deeper: a file that nests them in a loop still ends. */
const MAX_FORM_DEPTH = 4;
/** Saved graphics states kept at most: a content stream that only saves cannot grow the stack without bound. */
const MAX_SAVED_STATES = 256;

/** An affine matrix [a b c d e f], as PDF writes it. */
type Matrix = [number, number, number, number, number, number];
const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];
/** `m` then `n`: the matrix that maps a point by `m` first. */
const times = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[1] * n[2],
  m[0] * n[1] + m[1] * n[3],
  m[2] * n[0] + m[3] * n[2],
  m[2] * n[1] + m[3] * n[3],
  m[4] * n[0] + m[5] * n[2] + n[4],
  m[4] * n[1] + m[5] * n[3] + n[5],
];
const matrixOf = (operands: Operand[]): Matrix => {
  const n = operands.slice(0, 6).map((v) => (typeof v === 'number' ? v : 0));
  return n.length === 6 ? (n as Matrix) : IDENTITY;
};

/**
 * Calls `visit` for every string a page shows, in content order, following
 * Form XObjects, with its position in page space: the current matrix (`cm`,
 * saved and restored by q/Q, a form's /Matrix) and the text matrix (Tm, Td,
 * TD, T*) applied, so that a file rewritten by Ghostscript or cairo, which
 * place text their own way, reads at the same positions as the original.
 */
export function visitPageText(doc: PDFDocument, page: PDFPage, budget: InflateBudget, visit: (run: ShownRun) => void): void {
  const contents = page.node.Contents();
  const streams = contents instanceof PDFArray ? contents.asArray().map((ref) => doc.context.lookup(ref)) : [contents];
  const parts = streams.map((stream) => streamBytes(stream, budget)).filter((bytes): bytes is Uint8Array => bytes !== null);
  walk(doc, joinBytes(parts, 0x0a), page.node.Resources(), budget, visit, 0, new Map(), IDENTITY);
}

/** An operand as a number; 0 where it is missing or not a number. */
function numberAt(operands: readonly Operand[], k: number): number {
  const operand = operands[k];
  return typeof operand === 'number' ? operand : 0;
}

function walk(doc: PDFDocument, content: Uint8Array, resources: PDFDict | undefined, budget: InflateBudget, visit: (run: ShownRun) => void, depth: number, fonts: Map<unknown, FontReader>, base: Matrix): void {
  const fontDicts = resources?.lookup(PDFName.of('Font'));
  const xobjects = resources?.lookup(PDFName.of('XObject'));
  let font: FontReader | null = null;
  let size = 0;
  let ctm = base;
  const saved: { ctm: Matrix; spacing: number }[] = [];
  /** The text line matrix, and how far the text has advanced along it (in text space). */
  let line: Matrix = IDENTITY;
  let advance = 0;
  let leading = 0;
  /** Character spacing (Tc), added after every glyph: graphics state, so it outlives text objects, and q/Q save and restore it. */
  let spacing = 0;
  const show = (bytes: Operand) => {
    if (!(bytes instanceof Uint8Array) || !font) return;
    const codes = codesOf(bytes, font.codeBytes);
    if (!codes.length) return;
    const [a, b, c, d, e, f] = times(line, ctm);
    const start = advance;
    // Where each glyph ends, when spacing puts room between them that the widths alone do not add up to.
    const ends: number[] | undefined = spacing ? [] : undefined;
    for (const code of codes) {
      advance += (font.width(code) / 1000) * size;
      ends?.push(a * advance + e);
      advance += spacing;
    }
    // Glyph widths are measured along the baseline; a run is as large on the page as its matrix scales it vertically.
    visit({ font, codes, x: a * start + e, y: b * start + f, size: size * Math.hypot(c, d), ...(ends ? { ends } : {}) });
  };
  const nextLine = (dx: number, dy: number) => {
    line = times([1, 0, 0, 1, dx, dy], line);
    advance = 0;
  };
  for (const { op, operands } of operations(content)) {
    switch (op) {
      case 'q':
        if (saved.length < MAX_SAVED_STATES) saved.push({ ctm, spacing });
        break;
      case 'Q':
        ({ ctm, spacing } = saved.pop() ?? { ctm, spacing });
        break;
      case 'cm':
        ctm = times(matrixOf(operands), ctm);
        break;
      case 'BT':
        line = IDENTITY;
        advance = 0;
        break;
      case 'Tf': {
        const name = operands[0];
        const dict = fontDicts instanceof PDFDict && name && typeof name === 'object' && 'name' in name ? fontDicts.lookup(PDFName.of(name.name)) : undefined;
        font = dict instanceof PDFDict ? (fonts.get(dict) ?? fonts.set(dict, fontReader(doc, dict, budget)).get(dict)!) : null;
        size = numberAt(operands, 1);
        break;
      }
      case 'Tm':
        line = matrixOf(operands);
        advance = 0;
        break;
      case 'Td':
        nextLine(numberAt(operands, 0), numberAt(operands, 1));
        break;
      case 'TD':
        leading = -numberAt(operands, 1);
        nextLine(numberAt(operands, 0), numberAt(operands, 1));
        break;
      case 'TL':
        leading = numberAt(operands, 0);
        break;
      case 'Tc':
        spacing = numberAt(operands, 0);
        break;
      case 'T*':
        nextLine(0, -leading);
        break;
      case 'Tj':
        show(operands[0]);
        break;
      case "'":
        nextLine(0, -leading);
        show(operands[0]);
        break;
      case '"':
        spacing = numberAt(operands, 1);
        nextLine(0, -leading);
        show(operands[2]);
        break;
      case 'TJ':
        for (const item of Array.isArray(operands[0]) ? operands[0] : []) {
          if (typeof item === 'number') advance -= (item / 1000) * size;
          else show(item);
        }
        break;
      case 'Do': {
        const name = operands[0];
        if (depth >= MAX_FORM_DEPTH || !(xobjects instanceof PDFDict) || !name || typeof name !== 'object' || !('name' in name)) break;
        const form = xobjects.lookup(PDFName.of(name.name));
        if (!(form instanceof PDFRawStream) || form.dict.lookup(PDFName.of('Subtype')) !== PDFName.of('Form')) break;
        const bytes = streamBytes(form, budget);
        const formResources = form.dict.lookup(PDFName.of('Resources'));
        const matrix = form.dict.lookup(PDFName.of('Matrix'));
        const formMatrix = matrix instanceof PDFArray ? matrixOf(matrix.asArray().map((v) => (v instanceof PDFNumber ? v.asNumber() : 0))) : IDENTITY;
        if (bytes) walk(doc, bytes, formResources instanceof PDFDict ? formResources : resources, budget, visit, depth + 1, fonts, times(formMatrix, ctm));
        break;
      }
    }
  }
}

/** Every character of a page's runs, joined in content order: what the text layer and printed ids are read from. */
export function textOfRuns(runs: ShownRun[]): string {
  let text = '';
  let lastY = NaN;
  let lastEnd = NaN;
  for (const run of runs) {
    // A new line or a gap reads as a space, so that a printed purchase id stays a word of its own.
    if (run.y !== lastY || Math.abs(run.x - lastEnd) > run.size * 0.2) text += ' ';
    for (const code of run.codes) text += run.font.text(code);
    lastY = run.y;
    lastEnd = endOf(run, run.codes.length - 1);
  }
  return text;
}
