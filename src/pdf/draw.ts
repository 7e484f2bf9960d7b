import type { PDFDocument, PDFPage, PDFRef } from '@cantoo/pdf-lib';
import type { Face } from './fonts.ts';
import type { Rgb } from './geometry.ts';
import type { LinkTarget, TextChar } from './inline.ts';

/** A clickable area on a page, turned into a link annotation once every page exists. */
export interface LinkArea {
  rect: [number, number, number, number];
  target: LinkTarget;
}

/** A named place in the book (a chapter start or a heading) that links and the outline jump to. */
export interface Destination {
  pageIndex: number;
  y: number;
}

const OBLIQUE_SHEAR = 0.2;

function num(n: number): string {
  const r = Math.round(n * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

function colour([r, g, b]: Rgb, op: 'rg' | 'RG'): string {
  return `${num(r)} ${num(g)} ${num(b)} ${op}`;
}

/**
 * One page being drawn. Operators are written straight into a content stream
 * string: text lines are emitted as TJ arrays of glyph ids measured during
 * layout, so nothing is shaped twice.
 */
export class PageCanvas {
  private readonly ops: string[] = [];
  private readonly fontNames = new Map<Face, string>();
  private readonly imageNames = new Map<PDFRef, string>();
  readonly links: LinkArea[] = [];

  constructor(
    readonly page: PDFPage,
    readonly index: number,
  ) {}

  private fontName(face: Face): string {
    let name = this.fontNames.get(face);
    if (!name) {
      name = this.page.node.newFontDictionary(face.name, face.ref).toString();
      this.fontNames.set(face, name);
    }
    return name;
  }

  /**
   * Draws `chars[start..end)` from `x` on `baseline`. `extra[k]` is justification
   * space added before character `start + k`. Returns the x where the line ends.
   */
  textLine(chars: readonly TextChar[], start: number, end: number, x: number, baseline: number, extra?: Float64Array | null): number {
    let pen = x;
    let runStart = start;
    const xs = new Float64Array(end - start);
    for (let i = start; i < end; i++) {
      if (i > start) pen += chars[i].gapBefore + (extra ? extra[i - start] : 0);
      xs[i - start] = pen;
      pen += chars[i].width;
    }
    for (let i = start + 1; i <= end; i++) {
      if (i < end && sameRun(chars[i - 1], chars[i])) continue;
      this.run(chars, runStart, i, xs, start, baseline);
      runStart = i;
    }
    return pen;
  }

  private run(chars: readonly TextChar[], from: number, to: number, xs: Float64Array, lineStart: number, baseline: number): void {
    const { style, glyph } = chars[from];
    const size = style.size;
    const y = baseline + style.rise;
    const parts: string[] = [];
    let hex = '';
    let pen = xs[from - lineStart];
    for (let i = from; i < to; i++) {
      const gap = xs[i - lineStart] - pen;
      if (i > from && Math.abs(gap) > 0.005) {
        parts.push(`<${hex}>`, num((-gap * 1000) / size));
        hex = '';
      }
      hex += chars[i].glyph.hex;
      pen = xs[i - lineStart] + chars[i].width;
    }
    parts.push(`<${hex}>`);
    const x0 = xs[from - lineStart];
    const shear = style.oblique ? OBLIQUE_SHEAR : 0;
    const text = `BT ${this.fontName(glyph.face)} ${num(size)} Tf ${colour(style.color, 'rg')} 1 0 ${shear} 1 ${num(x0)} ${num(y)} Tm [${parts.join(' ')}] TJ ET`;
    const { actualText } = chars[from];
    // A replacement box is its own run, marked with the characters it stands for (ISO 32000 §14.9.4).
    this.ops.push(actualText === undefined ? text : `/Span <</ActualText <FEFF${utf16beHex(actualText)}>>> BDC ${text} EMC`);
    if (style.underline) this.line(x0, y - size * 0.14, pen, y - size * 0.14, style.color, style.link ? size * 0.035 : size * 0.06);
    if (style.strike) this.line(x0, y + size * 0.3, pen, y + size * 0.3, style.color, size * 0.06);
    if (style.link) {
      const last = this.links[this.links.length - 1];
      const rect: LinkArea['rect'] = [x0, baseline - size * 0.3, pen, baseline + size * 0.9];
      if (last && last.target === style.link && Math.abs(last.rect[1] - rect[1]) < 0.5) last.rect[2] = pen;
      else this.links.push({ rect, target: style.link });
    }
  }

  fillRect(x: number, y: number, w: number, h: number, fill: Rgb): void {
    this.ops.push(`${colour(fill, 'rg')} ${num(x)} ${num(y)} ${num(w)} ${num(h)} re f`);
  }

  strokeRect(x: number, y: number, w: number, h: number, stroke: Rgb, width: number): void {
    this.ops.push(`${colour(stroke, 'RG')} ${num(width)} w ${num(x)} ${num(y)} ${num(w)} ${num(h)} re S`);
  }

  line(x1: number, y1: number, x2: number, y2: number, stroke: Rgb, width: number): void {
    this.ops.push(`${colour(stroke, 'RG')} ${num(width)} w ${num(x1)} ${num(y1)} m ${num(x2)} ${num(y2)} l S`);
  }

  image(ref: PDFRef, x: number, y: number, w: number, h: number): void {
    let name = this.imageNames.get(ref);
    if (!name) {
      name = this.page.node.newXObject('Im', ref).toString();
      this.imageNames.set(ref, name);
    }
    this.ops.push(`q ${num(w)} 0 0 ${num(h)} ${num(x)} ${num(y)} cm ${name} Do Q`);
  }

  /** Compresses the page's operators into its content stream and lets go of them. */
  finish(pdf: PDFDocument): void {
    const stream = pdf.context.flateStream(this.ops.join('\n'));
    this.page.node.addContentStream(pdf.context.register(stream));
    this.ops.length = 0;
  }
}

function utf16beHex(text: string): string {
  let hex = '';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0');
  return hex.toUpperCase();
}

function sameRun(a: TextChar, b: TextChar): boolean {
  const s = a.style;
  const t = b.style;
  return (
    a.actualText === undefined &&
    b.actualText === undefined &&
    a.glyph.face === b.glyph.face &&
    s.size === t.size &&
    s.color === t.color &&
    s.oblique === t.oblique &&
    s.rise === t.rise &&
    s.underline === t.underline &&
    s.strike === t.strike &&
    s.link === t.link
  );
}
