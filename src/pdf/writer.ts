import { PDFDocument, PDFName, PDFNumber, PDFPage, type PDFRef } from '@cantoo/pdf-lib';
import type { RenderedFile, Writer, WriterContext } from '../formats/writer.ts';
import type { BookDocument } from '../document/model.ts';
import { compressStreamsWith } from '../deflate/pdf-stream.ts';
import { BinderyError } from '../errors.ts';
import { hyphenationFor, languageOf, latinWordsLanguage } from '../language/index.ts';
import { addLinkAnnotations } from './annotations.ts';
import type { Frame } from './boxes.ts';
import { documentTexts } from './fallback-faces.ts';
import { embedFonts, type FontBook } from './fonts.ts';
import { drawCover, drawTitlePage, partOpening, tableOfContents, type ContentsLine } from './front-matter.ts';
import { pageGeometry, textHeight, textWidth } from './geometry.ts';
import { ImageStore } from './images.ts';
import type { ShapeContext } from './inline.ts';
import { layoutChapter } from './layout.ts';
import { pageLabels, setMetadata } from './metadata.ts';
import { writeOutline, type OutlineItem } from './outline.ts';
import { Paginator, type Destination } from './paginate.ts';
import { StreamedPdf } from './streamed-file.ts';
import { StructureTree, type StructNode } from './structure.ts';

/** The article (or book.yaml, for front matter) and line being drawn. */
interface Where {
  file: string;
  line?: number;
}

/** The PDF handbook: cover, title page, contents, then every chapter, with outline, links and metadata. */
export const pdfWriter: Writer = {
  format: 'pdf',
  render: renderPdf,
};

/**
 * Fonts load outside the guard: a storage hiccup there is worth a retry. Any
 * other unexpected error is a writer bug that the same content will hit again,
 * so it fails the build at once, naming the article (and line) being drawn.
 */
async function renderPdf(doc: BookDocument, ctx: WriterContext): Promise<RenderedFile> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const fonts = await embedFonts(pdf, await ctx.fonts(), documentTexts(doc));
  const where: Where = { file: 'book.yaml' };
  try {
    return await drawBook(pdf, fonts, doc, ctx, where);
  } catch (err) {
    if (err instanceof BinderyError) throw err;
    const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    throw new BinderyError('build-failed', `the PDF writer failed (${reason})`, { file: where.file, ...(where.line ? { line: where.line } : {}) }, { cause: err });
  }
}

/** Lays out and draws the whole book; `where` follows the article and line being drawn. */
async function drawBook(pdf: PDFDocument, fonts: FontBook, doc: BookDocument, ctx: WriterContext, where: Where): Promise<RenderedFile> {
  // Finished pages and structure elements are written out as the book is laid out (see streamed-file.ts).
  const file = new StreamedPdf(pdf.context, ctx.deflate);
  compressStreamsWith(pdf.context, file.deflate);
  const images = new ImageStore(pdf, doc.assets, { regular: fonts.faces.regular.pdfFont, bold: fonts.faces.bold.pdfFont }, file.deflate);
  const g = pageGeometry(doc.meta.page);
  const cjk = languageOf(doc.meta.language).cjk;
  const tree = new StructureTree(pdf, file);
  // Front matter is drawn last but read first: its elements are made before the chapters'.
  const cover = tree.document.add('Figure', { alt: doc.meta.title });
  const titlePage = tree.document.add('Sect');
  const contents = tree.document.add('Sect');
  const frame: Frame = { x: g.left, width: textWidth(g), decorations: [] };

  const reported = new Set<string>();
  const shape: ShapeContext = {
    fonts,
    onMissingGlyph(char) {
      const key = `${where.file}\0${char}`;
      if (reported.has(key)) return;
      reported.add(key);
      const code = [...char].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ');
      const hint = fonts.absentFaceHint(char);
      ctx.warn({ file: where.file, ...(where.line ? { line: where.line } : {}), message: `no font has a glyph for "${char}" (${code}); drawn as a box${hint ? `: ${hint}` : ''}` });
    },
    language: null,
    hyphenation: await hyphenationFor(
      [doc.meta.language, ...doc.chapters.map((chapter) => chapter.lang ?? doc.meta.language)].map((tag) => {
        const language = languageOf(tag);
        return latinWordsLanguage(language.cjk) ?? language.tag;
      }),
    ),
  };

  const newPage = () => {
    // Not pdf.addPage: it walks the page tree to find the end (a lookup per page, each time) and keeps every page in a cache.
    const page = PDFPage.create(pdf);
    page.setSize(g.width, g.height);
    page.node.setParent(pdf.catalog.get(PDFName.of('Pages')) as PDFRef);
    return page;
  };
  const body = new Paginator(pdf, file, g, { bookTitle: doc.meta.title, numbered: true }, shape, tree, newPage);
  const toc: ContentsLine[] = [];
  const partOf = new Map(doc.parts.flatMap((p, i) => p.chapterIds.map((id) => [id, { part: p, key: `part-${i + 1}` }] as const)));
  const startedParts = new Map<string, StructNode>();
  for (const [i, chapter] of doc.chapters.entries()) {
    where.file = chapter.file;
    where.line = undefined;
    const part = partOf.get(chapter.id);
    if (part && !startedParts.has(part.key)) {
      const node = tree.document.add('Part');
      startedParts.set(part.key, node);
      toc.push({ title: part.part.title, key: part.key, level: 0 });
      body.place(partOpening(part.part.title, part.key, frame, g, shape, node));
    }
    toc.push({ title: chapter.title, key: chapter.id, level: part ? 1 : 0 });
    const lang = chapter.lang && BCP47.test(chapter.lang) ? chapter.lang : doc.meta.language;
    const differs = lang.toLowerCase() !== doc.meta.language.toLowerCase();
    const section = (part ? startedParts.get(part.key)! : tree.document).add('Sect', differs ? { lang } : {});
    shape.language = languageOf(lang);
    const boxes = await layoutChapter(chapter, frame, {
      shape,
      images,
      cjk,
      bookLanguage: languageOf(doc.meta.language),
      pageTextHeight: textHeight(g),
      warn: (line, message) => ctx.warn({ file: chapter.file, line, message }),
      at: (line) => (where.line = line),
    }, section);
    body.place(boxes);
    tree.flush(section);
    ctx.onProgress?.((i + 1) / (doc.chapters.length + 1), chapter.title);
  }
  body.finish();

  where.file = 'book.yaml';
  where.line = undefined;
  const front = new Paginator(pdf, file, g, { numbered: false }, shape, tree, newPage);
  // The cover is read as its alt text only: nothing inside it needs a language of its own.
  shape.language = null;
  await drawCover(front.blankPage(), doc, g, shape, images, (message) => ctx.warn({ file: 'book.yaml', message }), cover);
  shape.language = languageOf(doc.meta.language);
  drawTitlePage(front.blankPage(), doc, g, shape, titlePage);
  front.place(tableOfContents(doc, toc, body.destinations, frame, shape, cjk, contents, tree));
  front.finish();

  const destinations = new Map<string, Destination>([...body.destinations, ...front.destinations]);
  for (const link of addLinkAnnotations(pdf, file, [...front.links, ...body.links], destinations, g.left, tree)) {
    ctx.warn({ file: doc.chapters.find((c) => c.id === link)?.file ?? 'book.yaml', message: `link target ${link} has no place in the PDF` });
  }
  writeOutline(pdf, file, outlineItems(doc, toc, destinations), g.left);
  pageLabels(pdf, front.pageCount);
  // The page tree: front matter first (drawn last), then the body.
  const pages = [...front.pages, ...body.pages];
  const pageTree = pdf.catalog.Pages();
  pageTree.set(PDFName.of('Kids'), pdf.context.obj(pages));
  pageTree.set(PDFName.of('Count'), PDFNumber.of(pages.length));
  tree.write();
  await setMetadata(pdf, doc.meta);
  await fonts.embedUsedFallbacks();
  // What pdf.save() would do first: write the subset fonts and images into the document.
  await pdf.flush();
  ctx.onProgress?.(1, 'saved');
  const { Root, Info, ID } = pdf.context.trailerInfo;
  const chunks = file.finish({ Root: Root as PDFRef, ...(Info ? { Info } : {}), ...(ID ? { ID } : {}) });
  return { chunks, pages: pages.length };
}

/** Bookmarks mirror the contents: parts, their chapters, and each chapter's level-2 and level-3 headings. */
function outlineItems(doc: BookDocument, toc: readonly ContentsLine[], destinations: ReadonlyMap<string, Destination>): OutlineItem[] {
  const chapters = new Map(doc.chapters.map((c) => [c.id, c]));
  const items: OutlineItem[] = [];
  let part: OutlineItem | null = null;
  for (const entry of toc) {
    const destination = destinations.get(entry.key);
    if (!destination) continue;
    const item: OutlineItem = { title: entry.title, destination, children: [] };
    const chapter = chapters.get(entry.key);
    if (chapter) {
      let section: OutlineItem | null = null;
      for (const h of chapter.headings) {
        const at = destinations.get(`${chapter.id}#${h.id}`);
        if (!at) continue;
        const node: OutlineItem = { title: h.text, destination: at, children: [] };
        if (h.level === 3 && section) section.children.push(node);
        else {
          item.children.push(node);
          section = node;
        }
      }
    }
    if (!chapter) {
      part = item;
      items.push(item);
    } else if (entry.level === 1 && part) part.children.push(item);
    else items.push(item);
  }
  return items;
}

/** The shape of a BCP 47 tag; front matter `lang` is free text. */
const BCP47 = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/;
