import type { PDFDocument, PDFPage, PDFRef } from '@cantoo/pdf-lib';
import type { Box } from './boxes.ts';
import { PageCanvas, type LinkArea } from './draw.ts';
import { COLOURS, TYPE, textHeight, textWidth, type PageGeometry } from './geometry.ts';
import { baseStyle, shapeText, type ShapeContext, type TextChar } from './inline.ts';
import type { StreamedPdf } from './streamed-file.ts';
import type { StructureTree } from './structure.ts';

export interface Destination {
  page: PDFRef;
  /** Index among the pages this paginator made. */
  pageIndex: number;
  y: number;
}

export interface PageChrome {
  /** Left side of the running header; absent for pages without one. */
  bookTitle?: string;
  /** Print page numbers in the footer, counting from 1. */
  numbered: boolean;
}

/**
 * Stacks boxes onto pages: drops space at a page top, keeps headings with
 * what follows, repeats table headers, and draws the running header and the
 * folio as each page is closed. A closed page is written out at once (its
 * compressed content stream, and its dictionary unless a link annotation
 * still has to join it), so a long book never holds its pages in memory.
 */
export class Paginator {
  readonly destinations = new Map<string, Destination>();
  readonly links: { page: PDFPage; area: LinkArea }[] = [];
  /** The pages made, in order, for the page tree. */
  readonly pages: PDFRef[] = [];
  private canvas: PageCanvas | null = null;
  private y = 0;
  private empty = true;
  private title = '';
  private headerless = false;
  private readonly headerCache = new Map<string, TextChar[]>();
  private lastPlaced: Box | null = null;

  constructor(
    private readonly pdf: PDFDocument,
    private readonly file: StreamedPdf,
    private readonly geometry: PageGeometry,
    private readonly chrome: PageChrome,
    private readonly shape: ShapeContext,
    private readonly tree: StructureTree,
    private readonly addPage: () => PDFPage,
  ) {}

  get pageCount(): number {
    return this.pages.length;
  }

  place(boxes: readonly Box[]): void {
    const bottom = this.geometry.bottom;
    const pageRoom = textHeight(this.geometry);
    /** The last box of a chain kept together that was taller than a page: up to it, boxes fill pages as they come. */
    let unkeptUntil = -1;
    for (let i = 0; i < boxes.length; i++) {
      let box = boxes[i];
      if (!this.canvas || (box.pageBreak && !this.empty)) this.newPage();
      for (;;) {
        let chain = (this.empty ? 0 : box.spaceBefore) + box.height;
        let last = i;
        for (; i > unkeptUntil && (last === i ? box : boxes[last]).keepWithNext && last + 1 < boxes.length; last++) {
          const next = boxes[last + 1];
          chain += next.spaceBefore + (next.split && next.minHeight !== undefined && next.height > pageRoom ? next.minHeight : next.height);
        }
        const fits = this.y - chain >= bottom - 0.01;
        // A splittable box taller than a page fills what is left of this one and continues on the next.
        const header = box.repeatOnNewPage && this.lastPlaced !== box.repeatOnNewPage ? box.repeatOnNewPage : undefined;
        if (!fits && box.split && box.height > pageRoom - (header?.height ?? 0)) {
          if (this.empty && header) this.put(header, true);
          const parts = box.split(this.y - (this.empty ? 0 : box.spaceBefore) - bottom);
          if (parts) {
            this.put(parts[0]);
            this.newPage();
            box = { ...parts[1], spaceBefore: 0 };
            continue;
          }
        }
        if (!fits && !this.empty) {
          this.newPage();
          continue;
        }
        // Kept together, these boxes would not fit even a page of their own (a heading of many lines): each
        // would go on a page of its own, as the rest of the chain would not fit below it. They fill pages instead.
        if (!fits) unkeptUntil = last;
        break;
      }
      if (this.empty && box.repeatOnNewPage && this.lastPlaced && this.lastPlaced !== box.repeatOnNewPage) this.put(box.repeatOnNewPage, true);
      this.put(box);
    }
  }

  /** Draws a box at the current position; a repeat (a table header carried over) is drawn as an artifact, its content being tagged once. */
  private put(box: Box, repeat = false): void {
    const canvas = this.canvas!;
    if (!this.empty) {
      for (const decoration of box.bridge ?? []) decoration(canvas, this.y, box.spaceBefore);
      this.y -= box.spaceBefore;
    }
    for (const key of box.anchors ?? []) this.destinations.set(key, { page: canvas.page.ref, pageIndex: this.pages.length - 1, y: this.y });
    if (box.runningTitle !== undefined) this.title = box.runningTitle;
    if (box.suppressHeader && this.empty) this.headerless = true;
    const top = this.y;
    if (repeat) canvas.artifact('Pagination', () => box.draw(canvas, top));
    else canvas.tagged(box.tag, () => box.draw(canvas, top));
    this.y -= box.height;
    this.empty = false;
    this.lastPlaced = box;
  }

  /** Starts a page on which nothing will be placed by boxes: covers and title pages draw on it directly. */
  blankPage(): PageCanvas {
    this.newPage();
    this.empty = false;
    this.headerless = true;
    return this.canvas!;
  }

  private newPage(): void {
    this.closePage();
    const page = this.addPage();
    this.pages.push(page.ref);
    this.canvas = new PageCanvas(page, this.pages.length - 1, this.tree);
    this.y = this.geometry.height - this.geometry.top;
    this.empty = true;
    this.headerless = false;
  }

  private closePage(): void {
    const canvas = this.canvas;
    if (!canvas) return;
    if (!this.headerless && this.chrome.bookTitle) canvas.artifact('Header', () => this.drawHeader(canvas));
    if (this.chrome.numbered) canvas.artifact('Footer', () => this.drawFolio(canvas));
    this.file.write(canvas.finish(this.pdf, this.file.deflate));
    for (const area of canvas.links) this.links.push({ page: canvas.page, area });
    // A page with links gets its annotations once every page exists (a link may point forward).
    if (!canvas.links.length) this.file.write(canvas.page.ref);
    this.canvas = null;
  }

  finish(): void {
    this.closePage();
  }

  /** The running head's text, shaped once per title (a book has few). */
  private chars(text: string): TextChar[] {
    let chars = this.headerCache.get(text);
    if (!chars) {
      chars = this.shaped(text);
      this.headerCache.set(text, chars);
    }
    return chars;
  }

  private shaped(text: string): TextChar[] {
    return shapeText(text, baseStyle('regular', TYPE.header, COLOURS.muted), this.shape);
  }

  private drawHeader(canvas: PageCanvas): void {
    const g = this.geometry;
    const width = textWidth(g);
    const baseline = g.height - g.top + TYPE.header * 2.2;
    const book = this.chars(this.chrome.bookTitle!);
    const bookWidth = widthOf(book, book.length);
    canvas.textLine(book, 0, book.length, g.left, baseline);
    if (this.title && this.title !== this.chrome.bookTitle) {
      const chapter = this.chars(this.title);
      const room = width - bookWidth - TYPE.header * 3;
      const end = fittingLength(chapter, room);
      if (end > 0) {
        const shown = end < chapter.length ? [...chapter.slice(0, Math.max(0, end - 1)), ...this.chars('…')] : chapter;
        const w = widthOf(shown, shown.length);
        canvas.textLine(shown, 0, shown.length, g.width - g.right - w, baseline);
      }
    }
    canvas.line(g.left, baseline - TYPE.header * 0.8, g.width - g.right, baseline - TYPE.header * 0.8, COLOURS.rule, 0.4);
  }

  private drawFolio(canvas: PageCanvas): void {
    const g = this.geometry;
    // Not cached: each folio is drawn once, and a cache of them would grow with the book.
    const number = this.shaped(String(canvas.index + 1));
    const w = widthOf(number, number.length);
    canvas.textLine(number, 0, number.length, (g.width - w) / 2, g.bottom - TYPE.header * 3.2);
  }
}

/** How many of `chars` fit in `room`, measured once from the start (a title of thousands of words was measured again for each character dropped, on every page). */
function fittingLength(chars: readonly TextChar[], room: number): number {
  let w = 0;
  for (let end = 0; end < chars.length; end++) {
    w += chars[end].width + (end > 0 ? chars[end].gapBefore : 0);
    if (w > room) return end;
  }
  return chars.length;
}

function widthOf(chars: readonly TextChar[], end: number): number {
  let w = 0;
  for (let i = 0; i < end; i++) w += chars[i].width + (i > 0 ? chars[i].gapBefore : 0);
  return w;
}
