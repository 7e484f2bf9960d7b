/**
 * Text shown on a PDF page, character by character with its position: what
 * the text layer is placed by (in Bindery's own PDFs) and read from (in any
 * PDF, after qpdf, Ghostscript or cairo rewrote it).
 */
import { PDFArray, PDFDict, PDFName, PDFRawStream, type PDFDocument, type PDFPage } from '@cantoo/pdf-lib';
import { codesOf, fontReader, type FontReader } from './pdf-fonts.ts';
import { operations, streamBytes, type InflateBudget, type Operand } from './pdf-syntax.ts';

/** One shown string: its character codes in one font, from `x` on baseline `y`, in the coordinates of its text object. */
export interface ShownRun {
  font: FontReader;
  codes: number[];
  x: number;
  y: number;
  size: number;
}

/** Where a run's `index`th character ends. */
export const endOf = (run: ShownRun, index: number): number => {
  let x = run.x;
  for (let k = 0; k <= index; k++) x += (run.font.width(run.codes[k]) / 1000) * run.size;
  return x;
};

/** Forms drawn inside forms are followed this deep, no deeper: a file that nests them in a loop still ends. */
const MAX_FORM_DEPTH = 4;

/** Calls `visit` for every string a page shows, in content order, following Form XObjects. */
export function visitPageText(doc: PDFDocument, page: PDFPage, budget: InflateBudget, visit: (run: ShownRun) => void): void {
  const contents = page.node.Contents();
  const streams = contents instanceof PDFArray ? contents.asArray().map((ref) => doc.context.lookup(ref)) : [contents];
  const parts = streams.map((stream) => streamBytes(stream, budget)).filter((bytes): bytes is Uint8Array => bytes !== null);
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0)).fill(0x0a);
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length + 1;
  }
  walk(doc, joined, page.node.Resources(), budget, visit, 0, new Map());
}

function walk(doc: PDFDocument, content: Uint8Array, resources: PDFDict | undefined, budget: InflateBudget, visit: (run: ShownRun) => void, depth: number, fonts: Map<unknown, FontReader>): void {
  const fontDicts = resources?.lookup(PDFName.of('Font'));
  const xobjects = resources?.lookup(PDFName.of('XObject'));
  let font: FontReader | null = null;
  let size = 0;
  let lineX = 0;
  let lineY = 0;
  let x = 0;
  let leading = 0;
  const show = (bytes: Operand) => {
    if (!(bytes instanceof Uint8Array) || !font) return;
    const codes = codesOf(bytes, font.codeBytes);
    const start = x;
    for (const code of codes) x += (font.width(code) / 1000) * size;
    if (codes.length) visit({ font, codes, x: start, y: lineY, size });
  };
  const nextLine = (dx: number, dy: number) => {
    lineX += dx;
    lineY += dy;
    x = lineX;
  };
  for (const { op, operands } of operations(content)) {
    const n = (k: number) => (typeof operands[k] === 'number' ? (operands[k] as number) : 0);
    switch (op) {
      case 'BT':
        lineX = lineY = x = 0;
        break;
      case 'Tf': {
        const name = operands[0];
        const dict = fontDicts instanceof PDFDict && name && typeof name === 'object' && 'name' in name ? fontDicts.lookup(PDFName.of(name.name)) : undefined;
        font = dict instanceof PDFDict ? (fonts.get(dict) ?? fonts.set(dict, fontReader(doc, dict, budget)).get(dict)!) : null;
        size = n(1);
        break;
      }
      case 'Tm':
        lineX = x = n(4);
        lineY = n(5);
        break;
      case 'Td':
        nextLine(n(0), n(1));
        break;
      case 'TD':
        leading = -n(1);
        nextLine(n(0), n(1));
        break;
      case 'TL':
        leading = n(0);
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
        nextLine(0, -leading);
        show(operands[2]);
        break;
      case 'TJ':
        for (const item of Array.isArray(operands[0]) ? operands[0] : []) {
          if (typeof item === 'number') x -= (item / 1000) * size;
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
        if (bytes) walk(doc, bytes, formResources instanceof PDFDict ? formResources : resources, budget, visit, depth + 1, fonts);
        break;
      }
    }
  }
}

/** Every character a page shows, joined in content order: what the text layer and printed ids are read from. */
export function pageText(doc: PDFDocument, page: PDFPage, budget: InflateBudget): string {
  let text = '';
  let lastY = NaN;
  let lastEnd = NaN;
  visitPageText(doc, page, budget, (run) => {
    // A new line or a gap reads as a space, so that a printed purchase id stays a word of its own.
    if (run.y !== lastY || Math.abs(run.x - lastEnd) > run.size * 0.2) text += ' ';
    for (const code of run.codes) text += run.font.text(code);
    lastY = run.y;
    lastEnd = endOf(run, run.codes.length - 1);
  });
  return text;
}
