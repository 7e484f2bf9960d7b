import type { Block, Chapter, Inline } from '../document/model.ts';
import { pushAll } from '../arrays.ts';
import { displayUrl, externalUrl } from '../document/urls.ts';
import type { Language } from '../language/index.ts';
import { baselineOffset, breakText, decorate, drawTextBlock, fill, spacer, tagBoxes, textBoxes, type Box, type Decoration, type Frame } from './boxes.ts';
import { COLOURS, TYPE, type Rgb } from './geometry.ts';
import type { ImageStore } from './images.ts';
import { baseStyle, shapeInlines, shapeText, type ShapeContext, type Style } from './inline.ts';
import type { StructNode } from './structure.ts';
import { tableBoxes } from './table.ts';

/**
 * Widow and orphan control: the first two and the last two lines of a run of
 * lines stay on one page (a page break falls only where at least two lines
 * are on each side), by chaining them with keepWithNext. A heading, kept with
 * the first line, so carries two lines with it (layoutBlocks extends the chain
 * past a one-line block).
 */
function keepEndsTogether(lines: readonly Box[]): void {
  if (lines.length < 2) return;
  lines[0].keepWithNext = true;
  lines[lines.length - 2].keepWithNext = true;
}

/** What laying out one chapter needs. */
export interface LayoutContext {
  shape: ShapeContext;
  images: ImageStore;
  /** Chinese/Japanese text: generous leading and justified lines. */
  cjk: boolean;
  /** Height of the text block, so figures never outgrow a page. */
  pageTextHeight: number;
  warn: (line: number, message: string) => void;
  /** The book's language: its words label the chapter opening (原文出處 / Source). */
  bookLanguage: Language;
  /** Tells the caller which source line is being set, so glyph warnings can name it. */
  at: (line: number) => void;
}

type Image = Extract<Inline, { type: 'image' }>;

/** Lays out a chapter: its opening (title, byline) and every block, as boxes for pagination, tagged under `section`. */
export async function layoutChapter(chapter: Chapter, frame: Frame, ctx: LayoutContext, section: StructNode): Promise<Box[]> {
  const titleSize = TYPE.heading[1];
  const title = tagBoxes(textBoxes(shapeText(chapter.title, baseStyle('bold', titleSize), ctx.shape), frame, { leading: titleSize * 1.4, justify: false }), section.add('H1'));
  title.forEach((b) => (b.keepWithNext = true));
  const opening: Box = { height: ctx.pageTextHeight * 0.12, spaceBefore: 0, pageBreak: true, suppressHeader: true, runningTitle: chapter.title, anchors: [chapter.id], draw: () => {} };
  const boxes: Box[] = [opening, ...title];
  const byline = [chapter.author, chapter.date].filter(Boolean).join(' · ');
  if (byline) {
    const lines = tagBoxes(textBoxes(shapeText(byline, baseStyle('regular', TYPE.small, COLOURS.muted), ctx.shape), frame, { leading: TYPE.small * 1.6, justify: false }), section.add('P'));
    if (lines[0]) lines[0].spaceBefore = 4;
    pushAll(boxes, lines);
  }
  const source = chapter.source ? externalUrl(chapter.source) : undefined;
  if (source) boxes.push(...sourceLine(source, frame, ctx, section));
  boxes.push({ height: 0, spaceBefore: TYPE.body * 2, draw: () => {} });
  pushAll(boxes, await layoutBlocks(chapter.blocks, frame, ctx, chapter.id, section));
  return boxes;
}

/**
 * 原文出處 / Source: the book's label (in the book's language, tagged so when
 * the chapter's differs), then the URL as a link, as the EPUB prints it.
 */
function sourceLine(source: string, frame: Frame, ctx: LayoutContext, section: StructNode): Box[] {
  const style = baseStyle('regular', TYPE.small, COLOURS.muted);
  const label = shapeText(ctx.bookLanguage.words.book.source, style, { ...ctx.shape, language: ctx.bookLanguage });
  if (ctx.shape.language?.tag !== ctx.bookLanguage.tag) for (const c of label) c.lang ??= ctx.bookLanguage.tag;
  const url = shapeInlines([{ type: 'link', href: source, children: [{ type: 'text', value: displayUrl(source) }] }], style, ctx.shape);
  const lines = tagBoxes(textBoxes([...label, ...url], frame, { leading: TYPE.small * 1.6, justify: false }), section.add('P'));
  if (lines[0]) lines[0].spaceBefore = 2;
  return lines;
}

async function layoutBlocks(blocks: readonly Block[], frame: Frame, ctx: LayoutContext, chapterId: string, parent: StructNode): Promise<Box[]> {
  const out: Box[] = [];
  for (const [i, block] of blocks.entries()) {
    const boxes = await layoutBlock(block, frame, ctx, chapterId, parent);
    if (i > 0 && boxes[0]) boxes[0].spaceBefore = Math.max(boxes[0].spaceBefore, TYPE.body * TYPE.paragraphGap);
    // A heading keeps with two lines of what follows: a one-line block under it also holds on to the next block's first line.
    if (i > 0 && blocks[i - 1].type === 'heading' && boxes.length === 1) boxes[0].keepWithNext = true;
    pushAll(out, boxes);
  }
  return out;
}

function bodyLeading(ctx: LayoutContext): number {
  return TYPE.body * TYPE.leading(ctx.cjk);
}

async function layoutBlock(block: Block, frame: Frame, ctx: LayoutContext, chapterId: string, parent: StructNode): Promise<Box[]> {
  ctx.at(block.line);
  switch (block.type) {
    case 'paragraph':
      return paragraph(block.children, frame, ctx, block.line, parent);
    case 'heading': {
      const size = TYPE.heading[block.level];
      const color: Rgb = block.level >= 4 ? COLOURS.muted : COLOURS.text;
      const style = baseStyle('bold', size, color);
      const lines = tagBoxes(textBoxes(shapeInlines(block.children, style, ctx.shape), frame, { leading: size * 1.45, justify: false }), parent.add(`H${block.level}`));
      for (const line of lines) line.keepWithNext = true;
      if (lines[0]) {
        lines[0].spaceBefore = size * (block.level <= 2 ? 1.3 : 0.9);
        lines[0].anchors = [`${chapterId}#${block.id}`];
      }
      return lines;
    }
    case 'list':
      return list(block, frame, ctx, chapterId, parent);
    case 'quote': {
      const x = frame.x + 1;
      const rule: Decoration = (canvas, top, height) => canvas.fillRect(x, top - height, 2, height, COLOURS.quoteRule);
      const inner: Frame = { x: frame.x + TYPE.body * 1.2, width: frame.width - TYPE.body * 1.2, decorations: [...frame.decorations, rule] };
      const boxes = await layoutBlocks(block.children, inner, ctx, chapterId, parent.add('BlockQuote'));
      // One rule down the whole quote: it runs on through the space between its paragraphs (on one page).
      for (const box of boxes.slice(1)) box.bridge = [...(box.bridge ?? []), rule];
      return boxes;
    }
    case 'definitionList':
      return definitionList(block, frame, ctx, chapterId, parent);
    case 'code':
      return codeBlock(block.value, frame, ctx, parent.add('Code'));
    case 'table':
      return tableBoxes(block, frame, ctx.shape, ctx.cjk, parent.add('Table'));
    case 'thematicBreak': {
      const height = TYPE.body * 1.5;
      return [
        {
          height,
          spaceBefore: TYPE.body * 0.5,
          draw(canvas, top) {
            decorate(frame, canvas, top, height);
            const w = frame.width * 0.3;
            canvas.line(frame.x + (frame.width - w) / 2, top - height / 2, frame.x + (frame.width + w) / 2, top - height / 2, COLOURS.rule, 0.6);
          },
        },
      ];
    }
  }
}

/** A paragraph; images inside it become figures between the text around them, each piece of text its own P. */
async function paragraph(children: readonly Inline[], frame: Frame, ctx: LayoutContext, line: number, parent: StructNode): Promise<Box[]> {
  const out: Box[] = [];
  let text: Inline[] = [];
  const flush = () => {
    if (text.some((n) => !(n.type === 'text' && !n.value.trim()) && n.type !== 'break')) {
      const boxes = tagBoxes(textBoxes(shapeInlines(text, baseStyle('regular', TYPE.body), ctx.shape), frame, { leading: bodyLeading(ctx), justify: true }), parent.add('P'));
      keepEndsTogether(boxes);
      if (out.length && boxes[0]) boxes[0].spaceBefore = TYPE.body * 0.5;
      pushAll(out, boxes);
    }
    text = [];
  };
  for (const node of children) {
    if (node.type === 'image') {
      flush();
      out.push(...(await figure(node, frame, ctx, parent)));
    } else text.push(node);
  }
  flush();
  if (out.length === 0 && children.length) ctx.warn(line, 'empty paragraph');
  return out;
}

/**
 * An image with its caption (title, else alt text) below. It is tagged as a
 * Figure carrying the alt text, the caption as a Caption after it; an image
 * without alt text is decoration, an artifact.
 */
async function figure(image: Image, frame: Frame, ctx: LayoutContext, parent: StructNode): Promise<Box[]> {
  const caption = image.title || image.alt;
  const alt = image.alt.trim();
  const figureNode = alt ? parent.add('Figure', { alt }) : undefined;
  const captionNode = caption ? parent.add(alt ? 'Caption' : 'P') : undefined;
  const captionSize = TYPE.small;
  const captionLeading = captionSize * 1.5;
  const captionText = caption ? breakText(shapeText(caption, baseStyle('regular', captionSize, COLOURS.muted), ctx.shape), frame.width) : null;
  const captionHeight = captionText ? captionText.lines.length * captionLeading + 4 : 0;
  const embedded = await ctx.images.get(image.src);
  const maxHeight = ctx.pageTextHeight * 0.6;
  let w: number;
  let h: number;
  let drawImage: (canvas: Parameters<Box['draw']>[0], x: number, top: number) => void;
  if ('problem' in embedded) {
    ctx.warn(image.line, embedded.problem);
    w = frame.width * 0.8;
    h = Math.min(maxHeight, frame.width * 0.35);
    const label = breakText(shapeText(`[${image.src.split('/').pop()}]`, baseStyle('regular', captionSize, COLOURS.muted), ctx.shape), w - 12);
    drawImage = (canvas, x, top) => {
      canvas.fillRect(x, top - h, w, h, COLOURS.placeholder);
      canvas.strokeRect(x, top - h, w, h, COLOURS.rule, 0.8);
      drawTextBlock(canvas, label, x + 6, top - h / 2 + captionLeading / 2, w - 12, captionLeading, 'center');
    };
  } else {
    const scale = Math.min(1, frame.width / embedded.width, maxHeight / embedded.height, 0.75);
    w = embedded.width * scale;
    h = embedded.height * scale;
    if (w > frame.width * 0.999 || h > maxHeight) ({ w, h } = { w: Math.min(w, frame.width), h: Math.min(h, maxHeight) });
    drawImage = (canvas, x, top) => canvas.image(embedded.ref, x, top - h, w, h);
  }
  const height = h + captionHeight + 6;
  return [
    {
      height,
      spaceBefore: TYPE.body * 0.6,
      tag: figureNode,
      draw(canvas, top) {
        decorate(frame, canvas, top, height);
        drawImage(canvas, frame.x + (frame.width - w) / 2, top - 3);
        if (captionText) canvas.tagged(captionNode, () => drawTextBlock(canvas, captionText, frame.x, top - 3 - h - 4, frame.width, captionLeading, 'center'));
      },
    },
  ];
}

/** How far list items and definitions are set in from the text around them. */
const LIST_INDENT = TYPE.body * 1.5;

/** Bullet and its /ListNumbering name (ISO 32000-1 §14.8.5.5), by nesting depth. */
const BULLETS = [
  ['•', 'Disc'],
  ['◦', 'Circle'],
  ['▪', 'Square'],
] as const;

/** A list tagged L › LI › (Lbl, LBody): the marker is the label, the item's blocks its body. */
async function list(block: Extract<Block, { type: 'list' }>, frame: Frame, ctx: LayoutContext, chapterId: string, parent: StructNode): Promise<Box[]> {
  const depth = frame.listDepth ?? 0;
  const [bullet, numbering] = BULLETS[Math.min(depth, BULLETS.length - 1)];
  const listNode = parent.add('L', { attributes: { O: 'List', ListNumbering: block.ordered ? 'Decimal' : block.items.some((i) => i.checked !== null) ? 'None' : numbering } });
  const markerStyle: Style = baseStyle('regular', TYPE.body);
  const markers = block.items.map((item, i) => {
    if (item.checked !== null) return item.checked ? '✓' : '□';
    return block.ordered ? `${block.start + i}.` : bullet;
  });
  const shaped = markers.map((m) => shapeText(m, markerStyle, ctx.shape));
  const widest = Math.max(...shaped.map((s) => s.reduce((w, c) => w + c.width, 0)));
  const indent = Math.max(LIST_INDENT, widest + TYPE.body * 0.6);
  const inner: Frame = { x: frame.x + indent, width: frame.width - indent, decorations: frame.decorations, listDepth: depth + 1 };
  const out: Box[] = [];
  for (const [i, item] of block.items.entries()) {
    const itemNode = listNode.add('LI');
    const label = itemNode.add('Lbl');
    const boxes = await layoutBlocks(item.children, inner, ctx, chapterId, itemNode.add('LBody'));
    const first = boxes[0] ?? spacer(frame, bodyLeading(ctx));
    if (!boxes[0]) boxes.push(first);
    const marker = shaped[i];
    const markerWidth = marker.reduce((w, c) => w + c.width, 0);
    const drawFirst = first.draw;
    first.draw = (canvas, top) => {
      drawFirst(canvas, top);
      const baseline = top - baselineOffset(marker, 0, marker.length, bodyLeading(ctx));
      canvas.tagged(label, () => canvas.textLine(marker, 0, marker.length, inner.x - TYPE.body * 0.5 - markerWidth, baseline));
    };
    if (i > 0) first.spaceBefore = Math.max(first.spaceBefore, TYPE.body * 0.25);
    pushAll(out, boxes);
  }
  return out;
}

/**
 * A definition list, hanging: each term in bold on its own line at the
 * frame's edge, its definitions below it, indented as list items are. A term
 * keeps with the first two lines of its definition. Tagged as a list
 * (PDF/UA-1 has no definition list): L › LI › (Lbl, LBody), the terms the
 * label and the definitions the body.
 */
async function definitionList(block: Extract<Block, { type: 'definitionList' }>, frame: Frame, ctx: LayoutContext, chapterId: string, parent: StructNode): Promise<Box[]> {
  const listNode = parent.add('L', { attributes: { O: 'List', ListNumbering: 'None' } });
  const inner: Frame = { ...frame, x: frame.x + LIST_INDENT, width: frame.width - LIST_INDENT };
  const out: Box[] = [];
  for (const [i, item] of block.items.entries()) {
    const itemNode = listNode.add('LI');
    const label = itemNode.add('Lbl');
    const terms = item.terms.flatMap((term, n) => {
      ctx.at(item.line + n);
      return tagBoxes(textBoxes(shapeInlines(term, baseStyle('bold', TYPE.body), ctx.shape), frame, { leading: bodyLeading(ctx), justify: false }), label);
    });
    for (const line of terms) line.keepWithNext = true;
    if (i > 0 && terms[0]) terms[0].spaceBefore = TYPE.body * TYPE.paragraphGap;
    const body = itemNode.add('LBody');
    pushAll(out, terms);
    for (const [j, definition] of item.definitions.entries()) {
      const boxes = await layoutBlocks(definition, inner, ctx, chapterId, body);
      if (boxes[0]) boxes[0].spaceBefore = j === 0 ? TYPE.body * 0.2 : Math.max(boxes[0].spaceBefore, TYPE.body * 0.4);
      pushAll(out, boxes);
    }
  }
  return out;
}

/** A code block: monospace, ragged, on a tinted band that continues across page breaks. */
function codeBlock(value: string, frame: Frame, ctx: LayoutContext, node: StructNode): Box[] {
  const pad = 6;
  const inner: Frame = {
    x: frame.x + pad,
    width: frame.width - 2 * pad,
    decorations: [...frame.decorations, fill(COLOURS.codeBackground, frame.x, frame.width)],
  };
  const leading = TYPE.code * TYPE.codeLeading;
  const style = baseStyle('mono', TYPE.code);
  // Code is not prose: its Latin words are not tagged as English (nor are they in the EPUB).
  const shape = { ...ctx.shape, language: null };
  const lines: Box[] = [];
  for (const source of value.replace(/\t/g, '    ').split('\n')) {
    const boxes = textBoxes(shapeText(source, style, shape), inner, { leading, justify: false, keepIndent: true });
    pushAll(lines, boxes.length ? tagBoxes(boxes, node) : [spacer(inner, leading)]);
  }
  // No single line (a lone `{` or `}`) on either side of a page break, and the band's padding stays with its lines.
  keepEndsTogether(lines);
  const top = spacer(inner, pad);
  top.keepWithNext = true;
  if (lines.length) lines[lines.length - 1].keepWithNext = true;
  return [top, ...lines, spacer(inner, pad)];
}
