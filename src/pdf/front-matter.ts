import { channels, COVER_COLOURS, COVER_MEASURE, coverDesign, type CoverDesign } from '../cover/design.ts';
import type { BookDocument } from '../document/model.ts';
import { languageOf } from '../language/index.ts';
import { breakText, drawTextBlock, tagBoxes, textBoxes, unbrokenWidth, type Box, type Frame } from './boxes.ts';
import type { PageCanvas } from './draw.ts';
import { COLOURS, TYPE, textHeight, textWidth, type PageGeometry, type Rgb } from './geometry.ts';
import type { ImageStore } from './images.ts';
import { baseStyle, shapeText, type ShapeContext, type TextChar } from './inline.ts';
import type { Destination } from './paginate.ts';
import type { StructNode, StructureTree } from './structure.ts';

/** Centred lines of one style, top-down from `top`, tagged as one `node`; returns the y below them. */
function centred(canvas: PageCanvas, g: PageGeometry, shape: ShapeContext, text: string, face: 'regular' | 'bold', size: number, color: Rgb, top: number, node: StructNode): number {
  const leading = size * 1.4;
  const block = breakText(shapeText(text, baseStyle(face, size, color), shape), textWidth(g));
  canvas.tagged(node, () => drawTextBlock(canvas, block, g.left, top, textWidth(g), leading, 'center'));
  return top - block.lines.length * leading;
}

/**
 * The cover: the book's cover image filling the page, or, without one (or
 * when it cannot be embedded), the generated cover every format shares.
 * Either is one Figure (`figure`, carrying the alt text); the generated
 * cover's ground is an artifact.
 *
 * An image of other proportions than the page is scaled to cover it and
 * centred, and the page clips what overhangs (CSS `object-fit: cover`): no
 * letterbox strips beside or above it. The image is embedded as supplied.
 */
export async function drawCover(canvas: PageCanvas, doc: BookDocument, g: PageGeometry, shape: ShapeContext, images: ImageStore, warn: (message: string) => void, figure: StructNode): Promise<void> {
  if (doc.meta.cover) {
    const image = await images.get(doc.meta.cover);
    if (!('problem' in image)) {
      const scale = Math.max(g.width / image.width, g.height / image.height);
      const w = image.width * scale;
      const h = image.height * scale;
      canvas.tagged(figure, () => canvas.image(image.ref, (g.width - w) / 2, (g.height - h) / 2, w, h, { x: 0, y: 0, w: g.width, h: g.height }));
      return;
    }
    warn(`cover: ${image.problem}; a generated cover is used instead`);
  }
  canvas.fillRect(0, 0, g.width, g.height, rgb(COVER_COLOURS.ground));
  canvas.tagged(figure, () => drawDesign(canvas, coverDesign(doc.meta, languageOf(doc.meta.language)), g, shape));
}

/**
 * The design scaled to fit the page and centred; the ground fills the rest
 * of a page that is not 2:3. Lines are set in the PDF's fonts, and one that
 * comes out wider than the design's measure is set smaller to fit.
 */
function drawDesign(canvas: PageCanvas, design: CoverDesign, g: PageGeometry, shape: ShapeContext): void {
  const scale = Math.min(g.width / design.width, g.height / design.height);
  const left = (g.width - design.width * scale) / 2;
  const top = g.height - (g.height - design.height * scale) / 2;
  for (const r of design.rects) {
    const x = left + r.x * scale;
    const y = top - (r.y + r.height) * scale;
    if (r.fill) canvas.fillRect(x, y, r.width * scale, r.height * scale, rgb(r.fill));
    if (r.stroke) canvas.strokeRect(x, y, r.width * scale, r.height * scale, rgb(r.stroke), (r.strokeWidth ?? 1) * scale);
  }
  for (const line of design.lines) {
    const style = (size: number) => baseStyle(line.bold ? 'bold' : 'regular', size, rgb(line.colour));
    let chars = shapeText(line.text, style(line.size * scale), shape);
    const measure = COVER_MEASURE * scale;
    if (unbrokenWidth(chars) > measure) chars = shapeText(line.text, style((line.size * scale * measure) / unbrokenWidth(chars)), shape);
    canvas.textLine(chars, 0, chars.length, left + line.centre * scale - unbrokenWidth(chars) / 2, top - line.baseline * scale);
  }
}

function rgb(colour: string): Rgb {
  const [r, g, b] = channels(colour);
  return [r / 255, g / 255, b / 255];
}

/** The title page, tagged as a section of paragraphs: title, subtitle, authors, imprint. */
export function drawTitlePage(canvas: PageCanvas, doc: BookDocument, g: PageGeometry, shape: ShapeContext, section: StructNode): void {
  const { meta } = doc;
  let y = centred(canvas, g, shape, meta.title, 'bold', 20, COLOURS.text, g.height * 0.72, section.add('P'));
  if (meta.subtitle) y = centred(canvas, g, shape, meta.subtitle, 'regular', 11, COLOURS.muted, y - 6, section.add('P'));
  centred(canvas, g, shape, languageOf(meta.language).list(meta.authors), 'regular', 11, COLOURS.text, y - 36, section.add('P'));
  const imprint = [meta.publisher, meta.date, meta.isbn ? `ISBN ${meta.isbn}` : undefined, meta.rights].filter(Boolean).join('\n');
  const lines = imprint.split('\n').length;
  centred(canvas, g, shape, imprint, 'regular', TYPE.small, COLOURS.muted, g.bottom + lines * TYPE.small * 1.4, section.add('P'));
}

/** One line of the printed contents page and one outline item: a part (unnumbered) or a chapter with its page. */
export interface ContentsLine {
  title: string;
  key: string;
  level: 0 | 1;
}

/**
 * The table of contents as boxes: each chapter line ends in its folio and is
 * a link to the chapter, so it paginates like body text. Tagged under
 * `section` as an H1 and a TOC of TOCI › Link, a part's chapters in a TOC
 * inside the part's TOCI; the dot leaders are artifacts.
 */
export function tableOfContents(doc: BookDocument, entries: readonly ContentsLine[], destinations: ReadonlyMap<string, Destination>, frame: Frame, shape: ShapeContext, cjk: boolean, section: StructNode, tree: StructureTree): Box[] {
  const heading = languageOf(doc.meta.language).words.book.contents;
  const title = tagBoxes(textBoxes(shapeText(heading, baseStyle('bold', TYPE.heading[1]), shape), frame, { leading: TYPE.heading[1] * 1.6, justify: false }), section.add('H1'));
  title[0].anchors = ['toc'];
  const boxes: Box[] = [{ height: TYPE.body * 2, spaceBefore: 0, pageBreak: true, suppressHeader: true, draw: () => {} }, ...title];
  const leading = TYPE.body * TYPE.leading(cjk);
  const toc = section.add('TOC');
  let partItem: StructNode | null = null;
  let partToc: StructNode | null = null;
  for (const entry of entries) {
    const destination = destinations.get(entry.key);
    const link = { internal: { chapterId: entry.key } };
    const item: StructNode = (entry.level === 1 && partItem ? (partToc ??= partItem.add('TOC')) : toc).add('TOCI');
    if (entry.level === 0) {
      partItem = entry.key.startsWith('part-') ? item : null;
      partToc = null;
    }
    // Made now, not when first drawn, so it comes before the part's own TOC.
    tree.linkElement(link, item);
    const style = { ...baseStyle(entry.key.startsWith('part-') ? 'bold' : 'regular', TYPE.body), link };
    const folio = destination ? shapeText(String(destination.pageIndex + 1), style, shape) : [];
    const folioWidth = sum(folio);
    const indent = entry.level === 1 ? TYPE.body * 1.2 : 0;
    const text = breakText(shapeText(entry.title, style, shape), frame.width - indent - folioWidth - TYPE.body * 2);
    const height = Math.max(1, text.lines.length) * leading;
    boxes.push({
      height,
      spaceBefore: entry.level === 0 ? TYPE.body * 0.8 : 0,
      // A part's title stays with its first chapter; chapters outside parts do not chain (a whole contents page would).
      keepWithNext: entry.key.startsWith('part-'),
      tag: item,
      draw(canvas, top) {
        drawTextBlock(canvas, text, frame.x + indent, top, frame.width - indent, leading);
        if (folio.length) {
          // A title of nothing visible sets no line: its folio and leaders take the entry's one line.
          const last = text.lines.at(-1);
          const lastTop = top - Math.max(0, text.lines.length - 1) * leading;
          drawTextBlock(canvas, { chars: folio, lines: [{ start: 0, end: folio.length, last: true }] }, frame.x, lastTop, frame.width, leading, 'right');
          const dotsFrom = frame.x + indent + (last ? sum(text.chars.slice(last.start, last.end)) : 0) + TYPE.body * 0.6;
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

/** A part's opening page: its title set a third of the way down, on a page of its own, tagged as the part's H1. */
export function partOpening(title: string, key: string, frame: Frame, g: PageGeometry, shape: ShapeContext, part: StructNode): Box[] {
  const size = TYPE.heading[1] * 1.1;
  const lines = tagBoxes(textBoxes(shapeText(title, baseStyle('bold', size), shape), frame, { leading: size * 1.5, justify: false, align: 'center' }), part.add('H1'));
  return [{ height: textHeight(g) * 0.3, spaceBefore: 0, pageBreak: true, suppressHeader: true, anchors: [key], draw: () => {} }, ...lines];
}
