import type { BookDocument } from '../document/model.ts';
import { breakText, drawTextBlock, textBoxes, type Box, type Frame } from './boxes.ts';
import type { PageCanvas } from './draw.ts';
import { COLOURS, TYPE, textHeight, textWidth, type PageGeometry, type Rgb } from './geometry.ts';
import type { ImageStore } from './images.ts';
import { baseStyle, shapeText, type ShapeContext, type TextChar } from './inline.ts';
import type { Destination } from './paginate.ts';

const COVER_INK: Rgb = [0.13, 0.2, 0.32];
const COVER_PAPER: Rgb = [0.97, 0.96, 0.93];

/** Centred lines of one style, top-down from `top`; returns the y below them. */
function centred(canvas: PageCanvas, g: PageGeometry, shape: ShapeContext, text: string, face: 'regular' | 'bold', size: number, color: Rgb, top: number): number {
  const leading = size * 1.4;
  const block = breakText(shapeText(text, baseStyle(face, size, color), shape), textWidth(g));
  drawTextBlock(canvas, block, g.left, top, textWidth(g), leading, 'center');
  return top - block.lines.length * leading;
}

/**
 * The cover: the book's cover image scaled onto the page, or, without one
 * (or when it cannot be embedded), a typographic cover.
 */
export async function drawCover(canvas: PageCanvas, doc: BookDocument, g: PageGeometry, shape: ShapeContext, images: ImageStore, warn: (message: string) => void): Promise<void> {
  if (doc.meta.cover) {
    const image = await images.get(doc.meta.cover);
    if (!('problem' in image)) {
      const scale = Math.min(g.width / image.width, g.height / image.height);
      const w = image.width * scale;
      const h = image.height * scale;
      canvas.fillRect(0, 0, g.width, g.height, COVER_PAPER);
      canvas.image(image.ref, (g.width - w) / 2, (g.height - h) / 2, w, h);
      return;
    }
    warn(`cover: ${image.problem}; a typographic cover is used instead`);
  }
  const { meta } = doc;
  canvas.fillRect(0, 0, g.width, g.height, COVER_PAPER);
  canvas.fillRect(0, g.height * 0.56, g.width, g.height * 0.26, COVER_INK);
  const y = centred(canvas, g, shape, meta.title, 'bold', 24, COVER_PAPER, g.height * 0.78);
  if (meta.subtitle) centred(canvas, g, shape, meta.subtitle, 'regular', 11, COVER_PAPER, y - 8);
  centred(canvas, g, shape, meta.authors.join(' · '), 'regular', 12, COVER_INK, g.height * 0.44);
  if (meta.publisher) centred(canvas, g, shape, meta.publisher, 'regular', 9, COLOURS.muted, g.bottom + 20);
}

export function drawTitlePage(canvas: PageCanvas, doc: BookDocument, g: PageGeometry, shape: ShapeContext): void {
  const { meta } = doc;
  let y = centred(canvas, g, shape, meta.title, 'bold', 20, COLOURS.text, g.height * 0.72);
  if (meta.subtitle) y = centred(canvas, g, shape, meta.subtitle, 'regular', 11, COLOURS.muted, y - 6);
  centred(canvas, g, shape, meta.authors.join(' · '), 'regular', 11, COLOURS.text, y - 36);
  const imprint = [meta.publisher, meta.date, meta.isbn ? `ISBN ${meta.isbn}` : undefined, meta.rights].filter(Boolean).join('\n');
  const lines = imprint.split('\n').length;
  centred(canvas, g, shape, imprint, 'regular', TYPE.small, COLOURS.muted, g.bottom + lines * TYPE.small * 1.4);
}

/** One line of the printed contents page and one outline item: a part (unnumbered) or a chapter with its page. */
export interface ContentsLine {
  title: string;
  key: string;
  level: 0 | 1;
}

/**
 * The table of contents as boxes: each chapter line ends in its folio and is
 * a link to the chapter, so it paginates like body text.
 */
export function tableOfContents(doc: BookDocument, entries: readonly ContentsLine[], destinations: ReadonlyMap<string, Destination>, frame: Frame, shape: ShapeContext, cjk: boolean): Box[] {
  const heading = doc.meta.language.startsWith('zh') ? '目錄' : doc.meta.language.startsWith('ja') ? '目次' : 'Contents';
  const title = textBoxes(shapeText(heading, baseStyle('bold', TYPE.heading[1]), shape), frame, { leading: TYPE.heading[1] * 1.6, justify: false });
  title[0].anchors = ['toc'];
  const boxes: Box[] = [{ height: TYPE.body * 2, spaceBefore: 0, pageBreak: true, suppressHeader: true, draw: () => {} }, ...title];
  const leading = TYPE.body * TYPE.leading(cjk);
  for (const entry of entries) {
    const destination = destinations.get(entry.key);
    const link = { internal: { chapterId: entry.key } };
    const style = { ...baseStyle(entry.key.startsWith('part-') ? 'bold' : 'regular', TYPE.body), link };
    const folio = destination ? shapeText(String(destination.pageIndex + 1), style, shape) : [];
    const folioWidth = sum(folio);
    const indent = entry.level === 1 ? TYPE.body * 1.2 : 0;
    const text = breakText(shapeText(entry.title, style, shape), frame.width - indent - folioWidth - TYPE.body * 2);
    const height = Math.max(1, text.lines.length) * leading;
    boxes.push({
      height,
      spaceBefore: entry.level === 0 ? TYPE.body * 0.8 : 0,
      keepWithNext: entry.level === 0,
      draw(canvas, top) {
        drawTextBlock(canvas, text, frame.x + indent, top, frame.width - indent, leading);
        if (folio.length) {
          const last = text.lines[text.lines.length - 1];
          const lastTop = top - (text.lines.length - 1) * leading;
          drawTextBlock(canvas, { chars: folio, lines: [{ start: 0, end: folio.length, last: true }] }, frame.x, lastTop, frame.width, leading, 'right');
          const dotsFrom = frame.x + indent + sum(text.chars.slice(last.start, last.end)) + TYPE.body * 0.6;
          const dotsTo = frame.x + frame.width - folioWidth - TYPE.body * 0.6;
          if (dotsTo > dotsFrom) leaders(canvas, dotsFrom, dotsTo, lastTop - leading * 0.68);
        }
      },
    });
  }
  return boxes;
}

function leaders(canvas: PageCanvas, from: number, to: number, y: number): void {
  for (let x = to - 1; x >= from; x -= 4) canvas.fillRect(x, y, 0.7, 0.7, COLOURS.muted);
}

function sum(chars: readonly TextChar[]): number {
  return chars.reduce((w, c, i) => w + c.width + (i > 0 ? c.gapBefore : 0), 0);
}

/** A part's opening page: its title set a third of the way down, on a page of its own. */
export function partOpening(title: string, key: string, frame: Frame, g: PageGeometry, shape: ShapeContext): Box[] {
  const size = TYPE.heading[1] * 1.1;
  const lines = textBoxes(shapeText(title, baseStyle('bold', size), shape), frame, { leading: size * 1.5, justify: false, align: 'center' });
  return [{ height: textHeight(g) * 0.3, spaceBefore: 0, pageBreak: true, suppressHeader: true, anchors: [key], draw: () => {} }, ...lines];
}
