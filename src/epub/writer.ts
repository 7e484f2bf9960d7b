import type { Writer, WriterContext } from '../formats/writer.ts';
import type { BookDocument, Chapter } from '../document/model.ts';
import { accessibilityOf } from '../document/accessibility.ts';
import { renderBlocks } from './content.ts';
import { coverSvg, fallbackSvg } from './cover-svg.ts';
import { epubHeadingIds } from './ids.ts';
import { isLanguageTag, languageOf } from '../language/index.ts';
import { chapterHref, PACKAGE_DIR, planLayout } from './layout.ts';
import { COVER_HREF, NAV_HREF, navDocument, ncxDocument, tocTree } from './nav.ts';
import { containerXml, PACKAGE_FILE, packageDocument, type ManifestItem } from './opf.ts';
import { chapterPage, copyrightPage, coverPage, partPage, STYLESHEET_HREF, titlePage } from './pages.ts';
import { BOOK_CSS } from './style.ts';
import { zipEpub, type ZipEntry } from './zip.ts';

const XHTML = 'application/xhtml+xml';

/** A file of the package with its manifest entry. */
interface PackageFile extends ManifestItem {
  data: Uint8Array;
}

/** EPUB 3 (with an EPUB 2 NCX for older readers), written from the document model alone. */
export const epubWriter: Writer = {
  format: 'epub',
  async render(doc, ctx) {
    return { chunks: [zipEpub(packageFiles(doc, ctx), doc.meta.modified, ctx.deflate)] };
  },
};

function packageFiles(doc: BookDocument, ctx: WriterContext): ZipEntry[] {
  const { meta } = doc;
  const labels = languageOf(meta.language);
  const layout = planLayout(doc);
  const headingIds = new Map(doc.chapters.map((c) => [c.id, epubHeadingIds(c)]));
  const encode = (s: string) => new TextEncoder().encode(s);
  const files: PackageFile[] = [];
  const page = (id: string, href: string, xhtml: string, properties: string[] = []) =>
    files.push({ id, href, mediaType: XHTML, data: encode(xhtml), spine: true, properties: xhtml.includes('<svg') ? [...properties, 'svg'] : properties });

  const coverAsset = meta.cover ? layout.assets.get(meta.cover) : undefined;
  const coverImage = coverAsset?.href ?? 'images/cover.svg';
  page('cover', COVER_HREF, coverPage(meta, labels, coverImage));
  page('titlepage', 'titlepage.xhtml', titlePage(meta, labels));
  page('copyright', 'copyright.xhtml', copyrightPage(meta, labels));
  const toc = tocTree(doc, layout, headingIds);
  const firstPart = layout.parts[0];
  const bodyStart = firstPart && firstPart.chapterIds[0] === doc.chapters[0]?.id ? firstPart.href : chapterHref(doc.chapters[0]?.id ?? '');
  page('nav', NAV_HREF, navDocument(doc, toc, labels, bodyStart), ['nav']);

  const partStarts = new Map(layout.parts.map((p) => [p.chapterIds[0], p]));
  doc.chapters.forEach((chapter, i) => {
    ctx.onProgress?.(i / doc.chapters.length, chapter.title);
    const part = partStarts.get(chapter.id);
    if (part) page(part.id, part.href, partPage(labels, part.title));
    const language = languageOf(chapterLanguage(chapter, meta.language, ctx));
    const content = renderBlocks(chapter.blocks, {
      chapter,
      language,
      headingIds,
      assets: layout.assets,
      warn: (line, message) => ctx.warn({ file: chapter.file, line, message }),
    });
    page(chapter.id, chapterHref(chapter.id), chapterPage(chapter, language, labels, content));
  });
  ctx.onProgress?.(1, 'package');

  files.push({ id: 'ncx', href: 'toc.ncx', mediaType: 'application/x-dtbncx+xml', data: encode(ncxDocument(doc, toc)) });
  files.push({ id: 'css', href: STYLESHEET_HREF, mediaType: 'text/css', data: encode(BOOK_CSS) });
  if (!coverAsset) files.push({ id: 'cover-image', href: coverImage, mediaType: 'image/svg+xml', data: encode(coverSvg(meta, labels)), properties: ['cover-image'] });
  for (const { id, href, asset, fallback } of layout.assets.values()) {
    const properties = asset === coverAsset?.asset ? ['cover-image'] : [];
    files.push({ id, href, mediaType: asset.mediaType, data: asset.bytes, properties, ...(fallback ? { fallback: fallback.id } : {}) });
    if (fallback) files.push({ ...fallback, mediaType: 'image/svg+xml', data: encode(fallbackSvg(asset)) });
  }

  return [
    { path: 'META-INF/container.xml', data: encode(containerXml(`${PACKAGE_DIR}/${PACKAGE_FILE}`)) },
    { path: `${PACKAGE_DIR}/${PACKAGE_FILE}`, data: encode(packageDocument(meta, files, accessibilityOf(doc))) },
    ...files.map((f) => ({ path: `${PACKAGE_DIR}/${f.href}`, data: f.data })),
  ];
}

/** The chapter's own language when its front matter names a valid one, else the book's. */
function chapterLanguage(chapter: Chapter, bookLanguage: string, ctx: WriterContext): string {
  if (!chapter.lang) return bookLanguage;
  if (isLanguageTag(chapter.lang)) return chapter.lang;
  ctx.warn({ file: chapter.file, line: 1, message: `lang "${chapter.lang}" is not a language tag such as en or zh-Hant; using the book's language` });
  return bookLanguage;
}
