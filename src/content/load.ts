import { BinderyError, type Warning } from '../errors.ts';
import { parseArticle, type ArticleSource } from './article.ts';
import type { BookManifest } from './manifest.ts';
import { chapterNames, MANIFEST, type BookSource } from './source.ts';

export interface ChapterSource {
  article: ArticleSource;
  /** Title of the part this chapter belongs to, if any. */
  part?: string;
  /** Marked by the manifest as part of the free sample. */
  sample: boolean;
}

/** A book as read from its source: validated manifest and articles, nothing rendered yet. */
export interface LoadedBook {
  slug: string;
  manifest: BookManifest;
  chapters: ChapterSource[];
  source: BookSource;
}

/** Reads the manifest and every chapter it lists. Throws a located BinderyError on the first problem. */
export async function loadBook(source: BookSource): Promise<LoadedBook> {
  const { manifest, lineOf } = await source.manifest();
  const slug = manifest.slug ?? slugFromName(source.name);
  const seen = new Set<string>();
  const chapters: ChapterSource[] = [];
  for (const entry of chapterNames(manifest)) {
    const where = { file: MANIFEST, line: lineOf(entry.field), field: entry.field.join('.') };
    const found = await source.article(entry.name);
    if (!found) throw new BinderyError('missing-file', `chapter file "${entry.name}" not found`, where);
    if (seen.has(found.path)) throw new BinderyError('invalid-manifest', `chapter "${entry.name}" is listed twice`, where);
    seen.add(found.path);
    chapters.push({ article: parseArticle(found.path, found.markdown), part: entry.part, sample: entry.sample });
  }
  if (manifest.cover && !(await source.read(manifest.cover))) {
    throw new BinderyError('missing-file', `cover image "${manifest.cover}" not found`, { file: MANIFEST, line: lineOf(['cover']), field: 'cover' });
  }
  return { slug, manifest, chapters, source };
}

export function slugFromName(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return slug || 'book';
}

/** Contributors without a consent record, in a book whose book.yaml sets `consent:`; none otherwise. */
export function consentGaps(book: LoadedBook): Warning[] {
  return book.manifest.consent ? book.chapters.flatMap((c) => c.article.withoutConsent) : [];
}
