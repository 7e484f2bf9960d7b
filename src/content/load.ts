import { BinderyError } from '../errors.ts';
import { parseArticle, type ArticleSource } from './article.ts';
import { manifestSchema, type Manifest } from './manifest.ts';
import { resolveRelative, type BookSource } from './source.ts';
import { parseLocatedYaml, validateLocated } from './yaml-source.ts';

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
  manifest: Manifest;
  chapters: ChapterSource[];
  source: BookSource;
}

const MANIFEST = 'book.yaml';

export async function loadManifest(source: BookSource): Promise<{ manifest: Manifest; slug: string; lineOf: (p: PropertyKey[]) => number | undefined }> {
  const bytes = await source.read(MANIFEST);
  if (!bytes) throw new BinderyError('missing-file', `${MANIFEST} not found`, { file: MANIFEST });
  const yaml = parseLocatedYaml(decodeUtf8(bytes, MANIFEST), MANIFEST, 'invalid-manifest');
  const manifest = validateLocated(manifestSchema, yaml, MANIFEST, 'invalid-manifest');
  const slug = manifest.slug ?? slugFromName(source.name);
  return { manifest, slug, lineOf: (p) => yaml.lineOf(p) };
}

/** Reads and validates `book.yaml` and every chapter it lists. Throws a located BinderyError on the first problem. */
export async function loadBook(source: BookSource): Promise<LoadedBook> {
  const { manifest, slug, lineOf } = await loadManifest(source);
  const entries: { file: string; part?: string; sample: boolean; path: PropertyKey[] }[] = [];
  manifest.chapters.forEach((ref, i) => {
    if (typeof ref === 'object' && 'part' in ref) {
      ref.chapters.forEach((c, j) => entries.push({ ...chapterFields(c), part: ref.part, path: ['chapters', i, 'chapters', j] }));
    } else entries.push({ ...chapterFields(ref), path: ['chapters', i] });
  });
  const seen = new Set<string>();
  const chapters: ChapterSource[] = [];
  for (const entry of entries) {
    const where = { file: MANIFEST, line: lineOf(entry.path), field: entry.path.map(String).join('.') };
    const path = resolveRelative(MANIFEST, entry.file);
    if (!path || path.startsWith('\0')) throw new BinderyError('invalid-manifest', `chapter path "${entry.file}" leaves the book folder`, where);
    if (seen.has(path)) throw new BinderyError('invalid-manifest', `chapter "${entry.file}" is listed twice`, where);
    seen.add(path);
    const bytes = await source.read(path);
    if (!bytes) throw new BinderyError('missing-file', `chapter file "${entry.file}" not found`, where);
    chapters.push({ article: parseArticle(path, decodeUtf8(bytes, path)), part: entry.part, sample: entry.sample });
  }
  if (manifest.cover && !(await source.read(manifest.cover))) {
    throw new BinderyError('missing-file', `cover image "${manifest.cover}" not found`, { file: MANIFEST, line: lineOf(['cover']), field: 'cover' });
  }
  return { slug, manifest, chapters, source };
}

function chapterFields(c: string | { file: string; sample?: boolean }): { file: string; sample: boolean } {
  return typeof c === 'string' ? { file: c, sample: false } : { file: c.file, sample: c.sample ?? false };
}

export function slugFromName(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return slug || 'book';
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new BinderyError('invalid-input', 'file is not valid UTF-8 text', { file });
  }
}
