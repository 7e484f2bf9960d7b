import type { PDFDocument, PDFPage, PDFRef } from '@cantoo/pdf-lib';
import type { Deflate } from '../deflate/compress.ts';
import { flateStream } from '../deflate/pdf-stream.ts';
import type { Face } from './fonts.ts';
import type { Rgb } from './geometry.ts';
import type { LinkTarget, TextChar } from './inline.ts';
import { textString, type PageTags, type StructNode, type StructureTree } from './structure.ts';

/** A clickable area on a page, turned into a link annotation once every page exists. */
export interface LinkArea {
  rect: [number, number, number, number];
  target: LinkTarget;
  /** The Link element of the text, which the annotation joins. */
  tag?: StructNode;
}

/** What is not content (ISO 32000-1 §14.8.2.2): running heads, folios, rules, tints, repeated table headers. */
export type Artifact = 'Layout' | 'Header' | 'Footer' | 'Pagination';

const ARTIFACT_BDC: Record<Artifact, string> = {
  Layout: '/Artifact <</Type /Layout>> BDC',
  Header: '/Artifact <</Type /Pagination /Subtype /Header>> BDC',
  Footer: '/Artifact <</Type /Pagination /Subtype /Footer>> BDC',
  Pagination: '/Artifact <</Type /Pagination>> BDC',
};

/** A named place in the book (a chapter start or a heading) that links and the outline jump to. */
export interface Destination {
  pageIndex: number;
  y: number;
}

const OBLIQUE_SHEAR = 0.2;

function num(n: number): string {
  // Written from whole hundredths: V8 turns integers into strings several times faster than fractions, and a book writes millions of these.
  const hundredths = Math.round(n * 100);
  if (hundredths === 0) return '0';
  const sign = hundredths < 0 ? '-' : '';
  const size = Math.abs(hundredths);
  const whole = Math.floor(size / 100);
  const fraction = size % 100;
  if (fraction === 0) return `${sign}${whole}`;
  return fraction % 10 === 0 ? `${sign}${whole}.${fraction / 10}` : `${sign}${whole}.${fraction < 10 ? '0' : ''}${fraction}`;
}

function colour([r, g, b]: Rgb, op: 'rg' | 'RG'): string {
  return `${num(r)} ${num(g)} ${num(b)} ${op}`;
}

/**
 * Operators of one content stream with the graphics state they last set:
 * a font, fill colour, stroke colour or line width already in force is not
 * written again (graphics state outlives text objects and marked content).
 */
class Operators {
  readonly ops: string[] = [];
  private font = '';
  /** The face name and size `font` was written from: a run in the same font need not write it out to compare. */
  private fontName = '';
  private fontSize = NaN;
  /** Character spacing (Tc), as written; a content stream starts at 0. */
  private spacing = '0';
  private fill = '';
  /** The colour `fill` was written from: the same shared colour need not be written out to compare. */
  private fillRgb: Rgb | null = null;
  private stroke = '';
  private width = '';

  /** `Tf`, `Tc` and `rg` for text, when they change. */
  textState(fontName: string, size: number, spacing: string, fill: Rgb): string {
    let tf = '';
    if (fontName !== this.fontName || size !== this.fontSize) {
      const font = `${fontName} ${num(size)}`;
      if (font !== this.font) tf = `${font} Tf `;
      this.font = font;
      this.fontName = fontName;
      this.fontSize = size;
    }
    const tc = spacing === this.spacing ? '' : `${spacing} Tc `;
    this.spacing = spacing;
    return tf + tc + this.fillColour(fill);
  }

  fillColour(fill: Rgb): string {
    if (fill === this.fillRgb) return '';
    this.fillRgb = fill;
    const rg = colour(fill, 'rg');
    if (rg === this.fill) return '';
    this.fill = rg;
    return `${rg} `;
  }

  strokeState(stroke: Rgb, width: number): string {
    const rg = colour(stroke, 'RG');
    const w = `${num(width)} w`;
    const out = (rg === this.stroke ? '' : `${rg} `) + (w === this.width ? '' : `${w} `);
    this.stroke = rg;
    this.width = w;
    return out;
  }
}

/**
 * One page being drawn. Operators are written straight into a content stream
 * string: text lines are emitted as TJ arrays of glyph ids measured during
 * layout, so nothing is shaped twice.
 *
 * Every operator lands in a marked-content sequence: text and images in one
 * with an MCID for the structure element being drawn (`tagged`), everything
 * else in an /Artifact one. Consecutive operators for the same element share
 * a sequence, so a paragraph's lines on one page are one MCID; sequences
 * never nest, except the /Span carrying /ActualText inside an artifact.
 * Rules and tints under the text (quote rules, code tint, table borders)
 * are gathered into one Layout artifact painted first, so they do not break
 * the text's sequences apart.
 */
export class PageCanvas {
  private readonly content = new Operators();
  private readonly underlay = new Operators();
  /** Underlay rectangles that a fill right below them extends, by x, width and colour: their operator's index, colour operator and extent. */
  private readonly columns = new Map<string, { index: number; colour: string; top: number; bottom: number }>();
  private readonly fontNames = new Map<Face, string>();
  private readonly imageNames = new Map<PDFRef, string>();
  readonly links: LinkArea[] = [];
  private readonly marks: PageTags;
  /** The element content drawn now belongs to; null outside any. */
  private node: StructNode | null = null;
  /** Set inside `artifact`: everything drawn is that artifact, elements included. */
  private forced: Artifact | null = null;
  /** What the open marked-content sequence belongs to, and the extra entries of its property list. */
  private open: StructNode | Artifact | null = null;
  private openProperties = '';

  constructor(
    readonly page: PDFPage,
    readonly index: number,
    private readonly tree: StructureTree,
  ) {
    this.marks = tree.page(page);
  }

  /** Draws `draw`'s text and images as content of `node`. */
  tagged(node: StructNode | undefined, draw: () => void): void {
    const outer = this.node;
    this.node = node ?? outer;
    try {
      draw();
    } finally {
      this.node = outer;
    }
  }

  /** Draws everything in `draw` as an artifact of `kind`, even what it tags as content. */
  artifact(kind: Artifact, draw: () => void): void {
    const outer = this.forced;
    this.forced = outer ?? kind;
    try {
      draw();
    } finally {
      this.forced = outer;
    }
  }

  /**
   * Appends an operator inside the sequence for `owner`, closing and opening
   * sequences as the owner changes. `properties` (`/Lang (en)`,
   * `/ActualText <…>`) go in the property list of the element's sequence;
   * `alone` starts a sequence even for the same ones (each replacement box
   * stands for its own characters).
   */
  private emit(owner: StructNode | Artifact, op: string, properties = '', alone = false): void {
    const { ops } = this.content;
    if (owner !== this.open || properties !== this.openProperties || alone) {
      if (this.open !== null) ops.push('EMC');
      ops.push(typeof owner === 'string' ? ARTIFACT_BDC[owner] : this.beginContent(owner, properties));
      this.open = owner;
      this.openProperties = properties;
    }
    ops.push(op);
  }

  /** Paints a rule or tint: under everything as layout, or where it is inside a forced artifact. */
  private decoration(op: (state: Operators) => string): void {
    if (this.forced) this.emit(this.forced, op(this.content));
    else this.underlay.ops.push(op(this.underlay));
  }

  /** BDC for a new sequence of `node`'s content; one with properties of its own is a Span of it. */
  private beginContent(node: StructNode, properties: string): string {
    return `/${properties ? 'Span' : node.type} <</MCID ${this.marks.mark(node)}${properties}>> BDC`;
  }

  /** Who text and images drawn now belong to. */
  private get contentOwner(): StructNode | Artifact {
    return this.forced ?? this.node ?? 'Layout';
  }

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
    // A string of glyph ids joined once, rather than concatenated glyph by glyph (a chain of partial strings per line).
    const hex = glyphIds;
    hex.length = 0;
    const spacingWritten = writtenSpacing(commonSpacing(chars, from, to, xs, lineStart));
    const spacing = String(spacingWritten);
    // Where the viewer's pen is after each glyph: where it was put, plus the glyph and the spacing as written.
    let pen = xs[from - lineStart];
    for (let i = from; i < to; i++) {
      const gap = xs[i - lineStart] - pen;
      if (i > from && Math.abs(gap) > 0.005) {
        parts.push(`<${hex.join('')}>`, num((-gap * 1000) / size));
        hex.length = 0;
        pen = xs[i - lineStart];
      }
      hex.push(chars[i].glyph.hex);
      pen += chars[i].width + spacingWritten;
    }
    parts.push(`<${hex.join('')}>`);
    const x0 = xs[from - lineStart];
    // Where the last glyph ends: underlines and links stop there, not at the pen, which the spacing after it has moved on.
    const x1 = xs[to - 1 - lineStart] + chars[to - 1].width;
    const { actualText, lang } = chars[from];
    const owner = this.runOwner(style.link, chars, from, to);
    // A new text object starts at the origin, so an upright run is placed with a plain move (Td).
    const place = style.oblique ? `1 0 ${OBLIQUE_SHEAR} 1 ${num(x0)} ${num(y)} Tm` : `${num(x0)} ${num(y)} Td`;
    const text = `BT ${this.content.textState(this.fontName(glyph.face), size, spacing, style.color)}${place} [${parts.join(' ')}] TJ ET`;
    // A run in another language carries its /Lang, a replacement box the characters it stands for
    // (ISO 32000-1 §14.9.2, §14.9.4), in a sequence of their own: inside an artifact, one nested in it.
    const properties = (lang ? ` /Lang ${textString(lang)}` : '') + (actualText === undefined ? '' : ` /ActualText ${textString(actualText)}`);
    if (typeof owner !== 'string') this.emit(owner, text, properties, actualText !== undefined);
    else this.emit(owner, actualText === undefined ? text : `/Span <<${properties}>> BDC ${text} EMC`);
    // Underlines, strikes and emphasis dots are part of the text they mark.
    if (style.emphasisDots) this.emphasisDots(owner, chars, from, to, xs, lineStart, y, size, style.color);
    if (style.underline) this.stroke(owner, x0, y - size * 0.14, x1, y - size * 0.14, style.color, style.link ? size * 0.035 : size * 0.06);
    if (style.strike) this.stroke(owner, x0, y + size * 0.3, x1, y + size * 0.3, style.color, size * 0.06);
    if (style.link) {
      const last = this.links[this.links.length - 1];
      const rect: LinkArea['rect'] = [x0, baseline - size * 0.3, x1, baseline + size * 0.9];
      if (last && last.target === style.link && Math.abs(last.rect[1] - rect[1]) < 0.5) last.rect[2] = x1;
      else this.links.push({ rect, target: style.link, tag: this.tree.drawnLink(style.link) });
    }
  }

  /** The element a run of text belongs to: the element being drawn, or the Link element made under it for a link (one per link). */
  private runOwner(link: LinkTarget | undefined, chars: readonly TextChar[], from: number, to: number): StructNode | Artifact {
    const owner = this.contentOwner;
    if (typeof owner === 'string' || !link) return owner;
    const element = this.tree.linkElement(link, owner);
    for (let i = from; i < to; i++) element.text += chars[i].actualText ?? String.fromCodePoint(chars[i].codePoint);
    return element;
  }

  /**
   * A filled rectangle: a tint, a rule or a placeholder's ground, never
   * content. One that continues an earlier one of the underlay straight
   * below it (same x, width and colour) extends it: a quote's rule or a code
   * block's tint, drawn line by line, is one rectangle on each page.
   */
  fillRect(x: number, y: number, w: number, h: number, fill: Rgb): void {
    if (this.forced) {
      this.decoration((state) => `${state.fillColour(fill)}${num(x)} ${num(y)} ${num(w)} ${num(h)} re f`);
      return;
    }
    const key = `${num(x)} ${num(w)} ${colour(fill, 'rg')}`;
    const above = this.columns.get(key);
    if (above && Math.abs(above.bottom - (y + h)) < 0.01) {
      above.bottom = y;
      this.underlay.ops[above.index] = `${above.colour}${num(x)} ${num(y)} ${num(w)} ${num(above.top - y)} re f`;
      return;
    }
    const rg = this.underlay.fillColour(fill);
    this.columns.set(key, { index: this.underlay.ops.length, colour: rg, top: y + h, bottom: y });
    this.underlay.ops.push(`${rg}${num(x)} ${num(y)} ${num(w)} ${num(h)} re f`);
  }

  strokeRect(x: number, y: number, w: number, h: number, stroke: Rgb, width: number): void {
    this.decoration((state) => `${state.strokeState(stroke, width)}${num(x)} ${num(y)} ${num(w)} ${num(h)} re S`);
  }

  line(x1: number, y1: number, x2: number, y2: number, stroke: Rgb, width: number): void {
    this.decoration((state) => `${state.strokeState(stroke, width)}${num(x1)} ${num(y1)} m ${num(x2)} ${num(y2)} l S`);
  }

  /** 著重號: a dot centred under each character of the run, below the ideographic box (clreq, horizontal text). */
  private emphasisDots(owner: StructNode | Artifact, chars: readonly TextChar[], from: number, to: number, xs: Float64Array, lineStart: number, y: number, size: number, colour: Rgb): void {
    const r = size * 0.075;
    const k = r * 0.5523; // Bézier handle for a quarter circle
    const cy = y - size * 0.32;
    let path = '';
    for (let i = from; i < to; i++) {
      const cx = xs[i - lineStart] + chars[i].width / 2;
      path +=
        `${num(cx + r)} ${num(cy)} m ${num(cx + r)} ${num(cy + k)} ${num(cx + k)} ${num(cy + r)} ${num(cx)} ${num(cy + r)} c ` +
        `${num(cx - k)} ${num(cy + r)} ${num(cx - r)} ${num(cy + k)} ${num(cx - r)} ${num(cy)} c ` +
        `${num(cx - r)} ${num(cy - k)} ${num(cx - k)} ${num(cy - r)} ${num(cx)} ${num(cy - r)} c ` +
        `${num(cx + k)} ${num(cy - r)} ${num(cx + r)} ${num(cy - k)} ${num(cx + r)} ${num(cy)} c h `;
    }
    this.emit(owner, `${this.content.fillColour(colour)}${path}f`);
  }

  /** An underline or strike: part of the text it marks. */
  private stroke(owner: StructNode | Artifact, x1: number, y1: number, x2: number, y2: number, stroke: Rgb, width: number): void {
    this.emit(owner, `${this.content.strokeState(stroke, width)}${num(x1)} ${num(y1)} m ${num(x2)} ${num(y2)} l S`);
  }

  /** Draws an image (or SVG form) into the box at x, y; with `clip`, only what falls inside that rectangle shows. */
  image(ref: PDFRef, x: number, y: number, w: number, h: number, clip?: { x: number; y: number; w: number; h: number }): void {
    let name = this.imageNames.get(ref);
    if (!name) {
      name = this.page.node.newXObject('Im', ref).toString();
      this.imageNames.set(ref, name);
    }
    const clipPath = clip ? `${num(clip.x)} ${num(clip.y)} ${num(clip.w)} ${num(clip.h)} re W n ` : '';
    this.emit(this.contentOwner, `q ${clipPath}${num(w)} 0 0 ${num(h)} ${num(x)} ${num(y)} cm ${name} Do Q`);
  }

  /** Compresses the page's operators into its content stream, lets go of them, and returns the stream. */
  finish(pdf: PDFDocument, deflate: Deflate): PDFRef {
    if (this.open !== null) this.content.ops.push('EMC');
    this.open = null;
    // The underlay sets its own colours; the content's first operators set theirs (their state starts unknown).
    const underlay = this.underlay.ops.length ? `${ARTIFACT_BDC.Layout}\nq\n${this.underlay.ops.join('\n')}\nQ\nEMC\n` : '';
    const stream = pdf.context.register(flateStream(pdf.context, underlay + this.content.ops.join('\n'), {}, deflate));
    this.page.node.addContentStream(stream);
    this.content.ops.length = 0;
    this.underlay.ops.length = 0;
    this.columns.clear();
    this.marks.close();
    return stream;
  }
}

/** Spacing written to a ten-thousandth of a point: over a 40-glyph line it errs by under 0.002 pt. */
const writtenSpacing = (spacing: number): number => Math.round(spacing * 10_000) / 10_000 || 0;

/** A run's glyph ids being gathered, kept from run to run. */
const glyphIds: string[] = [];

/** commonSpacing's tally, kept from run to run: a book draws a run per line and more. */
const gapCounts = new Map<number, number>();

/**
 * The space most glyphs of `chars[from..to)` have after them, when it is
 * after at least half of them (a justified CJK line spreads its extra space
 * evenly; a quarter em before Latin letters or a compressed bracket differs):
 * drawn as character spacing (Tc), the run is one string with a number only
 * where a space differs, where a number between every two glyphs took more
 * than half of a page's operators. 0 when no space is that common.
 */
function commonSpacing(chars: readonly TextChar[], from: number, to: number, xs: Float64Array, lineStart: number): number {
  if (to - from < 3) return 0;
  const counts = gapCounts;
  counts.clear();
  let best = 0;
  let bestCount = 0;
  for (let i = from; i < to - 1; i++) {
    const gap = Math.round((xs[i + 1 - lineStart] - (xs[i - lineStart] + chars[i].width)) * 10_000);
    const count = (counts.get(gap) ?? 0) + 1;
    counts.set(gap, count);
    if (count > bestCount) {
      best = gap;
      bestCount = count;
    }
  }
  return bestCount * 2 >= to - from - 1 && Math.abs(best) >= 50 ? best / 10_000 : 0;
}

function sameRun(a: TextChar, b: TextChar): boolean {
  const s = a.style;
  const t = b.style;
  return (
    a.actualText === undefined &&
    b.actualText === undefined &&
    a.lang === b.lang &&
    a.glyph.face === b.glyph.face &&
    s.size === t.size &&
    s.color === t.color &&
    s.oblique === t.oblique &&
    s.emphasisDots === t.emphasisDots &&
    s.rise === t.rise &&
    s.underline === t.underline &&
    s.strike === t.strike &&
    s.link === t.link
  );
}
