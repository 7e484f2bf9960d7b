import type { LoadedBook } from '../content/load.ts';
import { pushAll } from '../arrays.ts';
import { resolveRelative } from '../content/source.ts';
import { toHex } from '../crypto.ts';
import { BinderyError, type Warning } from '../errors.ts';
import { languageOf } from '../language/index.ts';
import { IdAllocator, slugify, xmlId } from './ids.ts';
import { sniffImage } from './image-info.ts';
import { sanitizeSvg } from './svg.ts';
import { curlQuotesInText } from './typography.ts';
import { rareCharacterWarnings } from './glyph-coverage.ts';
import { inlineRunsOf, inlineText, type Inline, type Asset, type BookDocument, type BookMeta, type Chapter, type Part } from './model.ts';
import { parseMarkdown, walkBlocks, walkInlines } from './parse.ts';
import { DEFAULT_TDM, resolveTdm } from '../tdm.ts';

export interface AssembleOptions {
  /** Seconds since the epoch; overrides the book date for reproducible timestamps (like SOURCE_DATE_EPOCH). */
  sourceDateEpoch?: number;
}

/** Turns a loaded book into the document model: parses every article, resolves links and images, normalises metadata. */
export async function assembleBook(book: LoadedBook, options: AssembleOptions = {}): Promise<BookDocument> {
  const meta = await normaliseMeta(book, options);
  const chapterIdByFile = new Map(book.chapters.map((c, i) => [c.article.file, chapterId(i)]));

  const warnings: Warning[] = book.chapters.flatMap((c) => c.article.warnings);
  const chapters: Chapter[] = book.chapters.map((src, i) => {
    const { article } = src;
    const blocks = parseMarkdown(article.body, article.bodyLine, { title: article.meta.title, file: article.file, warn: (w) => warnings.push(w) });
    const ids = new IdAllocator();
    const headings: Chapter['headings'] = [];
    walkBlocks(blocks, (b) => {
      if (b.type !== 'heading') return;
      b.id = ids.next(inlineText(b.children));
      if (b.level <= 3) headings.push({ id: b.id, level: b.level, text: inlineText(b.children) });
    });
    return {
      id: chapterId(i),
      file: article.file,
      title: curlQuotesInText(article.meta.title),
      ...(src.part ? { part: src.part } : {}),
      sample: src.sample,
      ...(article.meta.author ? { author: article.meta.author } : {}),
      ...(article.meta.date ? { date: article.meta.date } : {}),
      ...(article.meta.source ? { source: article.meta.source } : {}),
      ...(article.meta.lang ? { lang: article.meta.lang } : {}),
      blocks,
      headings,
    };
  });

  const headingIds = new Map(chapters.map((c) => [c.id, new Set<string>()]));
  for (const c of chapters) walkBlocks(c.blocks, (b) => b.type === 'heading' && headingIds.get(c.id)!.add(b.id));
  const assets = new Map<string, Asset>();
  for (const chapter of chapters) {
    const images: Extract<Inline, { type: 'image' }>[] = [];
    walkInlines(chapter.blocks, (node) => {
      if (node.type === 'link') resolveLink(node, chapter, chapterIdByFile, headingIds, (message) => warnings.push({ file: chapter.file, message }));
      if (node.type === 'image') images.push(node);
    });
    for (const node of images) {
      const placed = resolveRelative(chapter.file, decodeURIComponentSafe(node.src));
      if (placed && !isRemote(node.src) && book.source.withheld?.(placed)) {
        // The image's contributor withdrew consent: its bytes stay out of the book, a neutral note stands in its place.
        replaceImage(chapter, node, [{ type: 'emphasis', children: [{ type: 'text', value: languageOf(chapter.lang ?? meta.language).words.book.imageWithdrawn }] }]);
        continue;
      }
      if (node.fromHtml) {
        const path = resolveRelative(chapter.file, decodeURIComponentSafe(node.src));
        const bytes = path && !isRemote(node.src) && !path.startsWith('\0') ? await book.source.read(path) : null;
        if (!bytes || !sniffImage(bytes)) {
          warnings.push({ file: chapter.file, line: node.line, message: `HTML image "${node.src}" is not a file of the book; shown as its alt text` });
          replaceImage(chapter, node, node.alt ? [{ type: 'text', value: node.alt }] : []);
          continue;
        }
      }
      {
        const path = resolveRelative(chapter.file, decodeURIComponentSafe(node.src));
        if (isRemote(node.src)) {
          throw new BinderyError('invalid-image', `remote image "${node.src}" cannot be embedded; add the file to the book`, { file: chapter.file, line: node.line, field: 'image' });
        }
        if (!path || path.startsWith('\0')) {
          throw new BinderyError('invalid-image', `image path "${node.src}" leaves the book folder`, { file: chapter.file, line: node.line, field: 'image' });
        }
        const asset = assets.get(path) ?? (await loadAsset(book, path, { file: chapter.file, line: node.line }));
        if (!hasPictureSize(asset)) {
          // A reader would get a broken image and EPUBCheck refuses the file (PKG-021): the alt text stands in, as for a missing HTML image.
          warnings.push({ file: chapter.file, line: node.line, message: `image "${node.src}" cannot be read (it has no picture size: cut short, or not really ${asset.mediaType}); shown as its alt text` });
          replaceImage(chapter, node, node.alt ? [{ type: 'text', value: node.alt }] : []);
          continue;
        }
        node.src = path;
        assets.set(path, asset);
      }
    }
  }
  if (meta.cover) {
    const cover = await loadAsset(book, meta.cover, { file: 'book.yaml', field: 'cover' });
    if (!hasPictureSize(cover)) {
      throw new BinderyError('invalid-image', `cover "${meta.cover}" cannot be read: it has no picture size (cut short, or not really ${cover.mediaType})`, { file: 'book.yaml', field: 'cover' });
    }
    assets.set(meta.cover, cover);
  }

  const parts: Part[] = [];
  for (const chapter of chapters) {
    if (!chapter.part) continue;
    const last = parts[parts.length - 1];
    if (last?.title === chapter.part) last.chapterIds.push(chapter.id);
    else parts.push({ title: chapter.part, chapterIds: [chapter.id] });
  }
  pushAll(warnings, chapters.flatMap(rareCharacterWarnings));
  return { meta, warnings, chapters, parts, assets: new Map([...assets].sort(([a], [b]) => (a < b ? -1 : 1))) };
}

/** Replaces an image node by other inline content (its alt text, a notice), wherever it sits. */
/** Whether an image states a picture size: a raster file without one (a JPEG cut after its first bytes, a PNG of 0×0) cannot be shown. An SVG may leave its size to the page. */
function hasPictureSize(asset: Asset): boolean {
  return asset.mediaType === 'image/svg+xml' || (asset.width !== undefined && asset.width > 0 && asset.height !== undefined && asset.height > 0);
}

function replaceImage(chapter: Chapter, image: Inline, replacement: Inline[]): void {
  const replace = (nodes: Inline[]) => {
    const i = nodes.indexOf(image);
    if (i !== -1) nodes.splice(i, 1, ...replacement);
    for (const n of nodes) if ('children' in n) replace(n.children);
  };
  walkBlocks(chapter.blocks, (b) => inlineRunsOf(b).forEach(replace));
}

function chapterId(index: number): string {
  return `ch${String(index + 1).padStart(2, '0')}`;
}

function isRemote(src: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(src);
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function resolveLink(
  link: Extract<import('./model.ts').Inline, { type: 'link' }>,
  chapter: Chapter,
  chapterIdByFile: Map<string, string>,
  headingIds: Map<string, Set<string>>,
  warn: (message: string) => void,
): void {
  if (isRemote(link.href)) return;
  const [pathPart, fragment] = splitFragment(link.href);
  const targetFile = pathPart ? resolveRelative(chapter.file, decodeURIComponentSafe(pathPart)) : chapter.file;
  const chapterId = targetFile ? chapterIdByFile.get(targetFile) : undefined;
  if (!chapterId) return;
  const anchor = fragment ? xmlId(slugify(decodeURIComponentSafe(fragment))) : undefined;
  const known = anchor && headingIds.get(chapterId)?.has(anchor) ? anchor : undefined;
  if (fragment && !known) warn(`link "${link.href}" names no heading of ${targetFile}; it leads to the start of that chapter`);
  link.target = { chapterId, ...(known ? { anchor: known } : {}) };
}

function splitFragment(href: string): [string, string | undefined] {
  const hash = href.indexOf('#');
  return hash === -1 ? [href, undefined] : [href.slice(0, hash), href.slice(hash + 1)];
}

async function loadAsset(book: LoadedBook, path: string, where: { file: string; line?: number; field?: string }): Promise<Asset> {
  const bytes = await book.source.read(path);
  if (!bytes) throw new BinderyError('missing-file', `image "${path}" not found`, { field: 'image', ...where });
  const info = sniffImage(bytes);
  if (!info) {
    throw new BinderyError('invalid-image', `"${path}" is not a PNG, JPEG, GIF, SVG or WebP image`, { field: 'image', ...where });
  }
  return { path, bytes: info.mediaType === 'image/svg+xml' ? sanitizeSvg(bytes, path) : bytes, ...info };
}

async function normaliseMeta(book: LoadedBook, options: AssembleOptions): Promise<BookMeta> {
  const m = book.manifest;
  const modified =
    options.sourceDateEpoch !== undefined ? new Date(options.sourceDateEpoch * 1000) : new Date(`${m.date}T00:00:00Z`);
  const isbn = m.isbn?.replace(/-/g, '');
  return {
    slug: book.slug,
    title: m.title,
    ...(m.subtitle ? { subtitle: m.subtitle } : {}),
    language: m.language,
    authors: m.authors,
    ...(m.publisher ? { publisher: m.publisher } : {}),
    date: m.date,
    modified,
    ...(m.description ? { description: m.description } : {}),
    identifier: isbn ? `urn:isbn:${isbn}` : await uuidFromSlug(book.slug),
    ...(isbn ? { isbn } : {}),
    ...(m.price ? { price: m.price } : {}),
    tags: m.tags,
    page: m.page,
    ...(m.rights ? { rights: m.rights } : {}),
    ...(m.cover ? { cover: resolveRelative('book.yaml', m.cover) ?? m.cover } : {}),
    ...(m.accessibility ? { accessibility: m.accessibility } : {}),
    tdm: resolveTdm(m.tdm, DEFAULT_TDM),
  };
}

/** A name-based (v5-style, SHA-1) UUID: the same slug always gives the same identifier. */
export async function uuidFromSlug(slug: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-1', new TextEncoder().encode(`bindery:book:${slug}`)));
  digest[6] = (digest[6] & 0x0f) | 0x50;
  digest[8] = (digest[8] & 0x3f) | 0x80;
  const hex = toHex(digest.subarray(0, 16));
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
