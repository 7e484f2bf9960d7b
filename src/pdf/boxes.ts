import type { PageCanvas } from './draw.ts';
import type { Rgb } from './geometry.ts';
import type { ShapeContext, TextChar } from './inline.ts';
import { breakLines, breakOpportunities, justify, rangeWidth, type LineRange } from './linebreak.ts';
import { breakParagraph } from './optimal-fit.ts';
import type { StructNode } from './structure.ts';

/**
 * Layout produces a flat list of boxes per chapter; pagination stacks them
 * onto pages. A box is one strip: a line of text, a table row, an image, or
 * vertical space. Only boxes with `split` (table rows) are ever broken; the
 * paginator splits them when they are taller than a page.
 */
export interface Box {
  height: number;
  /** Space above the box; dropped when the box starts a page. */
  spaceBefore: number;
  /** Keep on the same page as the next box: headings, a table's header row, and the lines that must not stand alone at a page's foot or top (widows and orphans). */
  keepWithNext?: boolean;
  /** Start a new page before this box. */
  pageBreak?: boolean;
  /** Destination keys registered at the box's top (`ch03`, `ch03#some-heading`). */
  anchors?: string[];
  /** The chapter title shown in the running header from this page on. */
  runningTitle?: string;
  /** Leaves the running header off the page this box starts (chapter and part openings). */
  suppressHeader?: boolean;
  /** Drawn first at the top of a new page when this box is carried over (a table's header row). */
  repeatOnNewPage?: Box;
  /**
   * Breaks the box into a first part no taller than `room` and the rest, or
   * returns null when no part fits. Parts may themselves be splittable.
   */
  split?(room: number): [Box, Box] | null;
  /** The least height a first part from `split` can have (a boxes kept with this one count only this much). */
  minHeight?: number;
  /** The structure element the box's text and images belong to; without one they are artifacts. */
  tag?: StructNode;
  /** Decorations that run on through `spaceBefore` when the box does not start a page: a quote's rule between its paragraphs. */
  bridge?: readonly Decoration[];
  draw(canvas: PageCanvas, top: number): void;
}

/** Makes `node` the element of every box (the lines of one paragraph or heading). */
export function tagBoxes(boxes: Box[], node: StructNode): Box[] {
  for (const box of boxes) box.tag = node;
  return boxes;
}

/** Where nested blocks sit: an indent from the left margin, a width, and decorations (quote rules, code tint) drawn beside every box inside. */
export interface Frame {
  x: number;
  width: number;
  decorations: readonly Decoration[];
  /** How deeply lists are nested here: picks the bullet. */
  listDepth?: number;
}

export type Decoration = (canvas: PageCanvas, top: number, height: number) => void;

export function decorate(frame: Frame, canvas: PageCanvas, top: number, height: number): void {
  for (const d of frame.decorations) d(canvas, top, height);
}

/** Vertical space that still carries the frame's decorations (so a quote rule has no gaps). */
export function spacer(frame: Frame, height: number): Box {
  return { height, spaceBefore: 0, draw: (canvas, top) => decorate(frame, canvas, top, height) };
}

export function fill(colour: Rgb, x: number, width: number): Decoration {
  return (canvas, top, height) => canvas.fillRect(x, top - height, width, height, colour);
}

export interface TextOptions {
  /** Line height in points. */
  leading: number;
  justify: boolean;
  align?: 'left' | 'center' | 'right';
  /** Keep leading spaces of the first line (code indentation). */
  keepIndent?: boolean;
}

/** Baseline offset from a line's top, centring the font's ascent–descent box in the leading. */
export function baselineOffset(chars: readonly TextChar[], start: number, end: number, leading: number): number {
  let size = 0;
  let ascent = 1160;
  let descent = -288;
  for (let i = start; i < end; i++) {
    if (chars[i].style.size > size) {
      size = chars[i].style.size;
      ascent = chars[i].glyph.face.ascent;
      descent = chars[i].glyph.face.descent;
    }
  }
  if (size === 0) return leading * 0.75;
  const content = ((ascent - descent) * size) / 1000;
  return (leading - content) / 2 + (ascent * size) / 1000;
}

/** Breaks measured text into lines that fit `frame`, one box per line: a justified paragraph by total fit, other text greedily. */
export function textBoxes(chars: TextChar[], frame: Frame, options: TextOptions): Box[] {
  if (chars.length === 0) return [];
  const opportunities = breakOpportunities(chars.map((c) => c.codePoint));
  const lines = options.justify ? breakParagraph(chars, opportunities, frame.width) : breakLines(chars, opportunities, frame.width, options.keepIndent);
  return lines.map((line) => lineBox(chars, line, frame, options));
}

/**
 * Draws a broken line's characters, then the hyphen where it ends inside a
 * word: an artifact (ISO 32000-1 §14.8.2.2.3), so the tagged text, and what a
 * screen reader reads, keeps the word whole.
 */
function drawLine(canvas: PageCanvas, chars: readonly TextChar[], line: LineRange, x: number, baseline: number, extra?: Float64Array | null): void {
  const pen = canvas.textLine(chars, line.start, line.end, x, baseline, extra);
  const hyphen = line.hyphenated ? chars[line.end - 1].hyphen : undefined;
  if (hyphen) canvas.artifact('Layout', () => canvas.textLine([hyphen], 0, 1, pen, baseline));
}

export function lineBox(chars: TextChar[], line: LineRange, frame: Frame, options: TextOptions): Box {
  const { leading } = options;
  return {
    height: leading,
    spaceBefore: 0,
    draw(canvas, top) {
      decorate(frame, canvas, top, leading);
      const baseline = top - baselineOffset(chars, line.start, line.end, leading);
      const extra = options.justify ? justify(chars, line, frame.width) : null;
      let x = frame.x;
      if (options.align && options.align !== 'left' && !extra) {
        const w = rangeWidth(chars, line);
        x += options.align === 'center' ? (frame.width - w) / 2 : frame.width - w;
      }
      drawLine(canvas, chars, line, x, baseline, extra);
    },
  };
}

/** Lines of text broken to a width, for cells and captions that are drawn as one unit. */
export interface TextBlock {
  chars: TextChar[];
  lines: LineRange[];
}

export function breakText(chars: TextChar[], width: number): TextBlock {
  return { chars, lines: chars.length ? breakLines(chars, breakOpportunities(chars.map((c) => c.codePoint)), width) : [] };
}

/** Draws broken lines from `top`, each aligned inside `width`. */
export function drawTextBlock(canvas: PageCanvas, block: TextBlock, x: number, top: number, width: number, leading: number, align: 'left' | 'center' | 'right' = 'left'): void {
  block.lines.forEach((line, i) => {
    const lineTop = top - i * leading;
    const w = rangeWidth(block.chars, line);
    const dx = align === 'center' ? (width - w) / 2 : align === 'right' ? width - w : 0;
    drawLine(canvas, block.chars, line, x + dx, lineTop - baselineOffset(block.chars, line.start, line.end, leading));
  });
}

/** The widest unbreakable piece of some text: the least width a column can have without cutting words. */
export function longestUnbreakable(chars: readonly TextChar[]): number {
  if (!chars.length) return 0;
  const opportunities = breakOpportunities(chars.map((c) => c.codePoint));
  let best = 0;
  let run = 0;
  for (let i = 0; i < chars.length; i++) {
    if (opportunities[i] !== 0 && i > 0) run = 0;
    run += chars[i].width + (run > 0 ? chars[i].gapBefore : 0);
    best = Math.max(best, run);
  }
  return best;
}

export function unbrokenWidth(chars: readonly TextChar[]): number {
  let w = 0;
  for (let i = 0; i < chars.length; i++) w += chars[i].width + (i > 0 ? chars[i].gapBefore : 0);
  return w;
}

export type { ShapeContext };
