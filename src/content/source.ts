import { BinderyError } from '../errors.ts';
import { manifestSchema, type BookManifest } from './manifest.ts';
import { parseLocatedYaml, validateLocated } from './yaml-source.ts';

/** The file that manifest errors name, whatever the source: `book.yaml` in a folder, the stored manifest in the pool. */
export const MANIFEST = 'book.yaml';

/** A book's manifest as its source holds it: validated, and where its fields are when it was read from text. */
export interface SourceManifest {
  manifest: BookManifest;
  /** The line of a field in `book.yaml`; undefined for a manifest that was never text. */
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

/** An article as a source finds it. */
export interface SourceArticle {
  /**
   * Its path among the book's files (POSIX, relative to the book): its links
   * and images resolve from here, and build errors and warnings name it.
   */
  path: string;
  markdown: string;
}

/**
 * Where a book comes from: a folder on disk (CLI) or a build snapshot of the
 * pool (Worker). The manifest names each chapter's article (a file path in a
 * folder, an article id in the pool) and `article` finds it by that name.
 */
export interface BookSource {
  /** Folder name, used as the default slug. */
  readonly name: string;
  manifest(): Promise<SourceManifest>;
  /** The article a chapter names, or null when there is none. */
  article(name: string): Promise<SourceArticle | null>;
  /** A file the book references (an image, the cover) by its path in the book, or null when it does not exist. */
  read(path: string): Promise<Uint8Array | null>;
  /** True for an image (by its path in the book) whose contributor withdrew consent: the build shows a notice instead. */
  withheld?(path: string): boolean;
}

/**
 * A book as a tree of files, `book.yaml` at its root naming chapters by path:
 * a folder on disk, or files in memory. The manifest is parsed here, so its
 * errors carry `book.yaml` lines.
 */
export abstract class FileTreeSource implements BookSource {
  abstract readonly name: string;
  abstract read(path: string): Promise<Uint8Array | null>;

  async manifest(): Promise<SourceManifest> {
    const bytes = await this.read(MANIFEST);
    if (!bytes) throw new BinderyError('missing-file', `${MANIFEST} not found`, { file: MANIFEST });
    const yaml = parseLocatedYaml(decodeUtf8(bytes, MANIFEST), MANIFEST, 'invalid-manifest');
    const manifest = validateLocated(manifestSchema, yaml, MANIFEST, 'invalid-manifest');
    const { lineOf } = yaml;
    for (const { name, field } of chapterNames(manifest)) {
      if (escapes(normalizePath(name))) {
        throw new BinderyError('invalid-manifest', `chapter path "${name}" leaves the book folder`, { file: MANIFEST, line: lineOf(field), field: field.join('.') });
      }
    }
    return { manifest, lineOf };
  }

  async article(name: string): Promise<SourceArticle | null> {
    const path = normalizePath(name);
    const bytes = await this.read(path);
    return bytes && { path, markdown: decodeUtf8(bytes, path) };
  }
}

/** A file tree held in memory: tests and benchmarks. */
export class MemorySource extends FileTreeSource {
  constructor(
    readonly name: string,
    private readonly files: Map<string, Uint8Array | string>,
  ) {
    super();
  }

  async read(path: string): Promise<Uint8Array | null> {
    const file = this.files.get(normalizePath(path));
    if (file === undefined) return null;
    return typeof file === 'string' ? new TextEncoder().encode(file) : file;
  }
}

/** One chapter entry of a manifest: the article it names, its part, and where it sits in the manifest. */
export interface ChapterName {
  name: string;
  part?: string;
  sample: boolean;
  /** Path of the entry in the manifest, e.g. `['chapters', 1, 'chapters', 0]`. */
  field: (string | number)[];
}

/** The chapters of a manifest in reading order, parts flattened. */
export function chapterNames(manifest: Pick<BookManifest, 'chapters'>): ChapterName[] {
  const entries: ChapterName[] = [];
  const entry = (ref: ChapterEntry, field: (string | number)[], part?: string) => {
    const name = typeof ref === 'string' ? ref : 'file' in ref ? ref.file : ref.article;
    entries.push({ name, ...(part ? { part } : {}), sample: typeof ref === 'object' && (ref.sample ?? false), field });
  };
  manifest.chapters.forEach((ref, i) => {
    if (typeof ref === 'object' && 'part' in ref) ref.chapters.forEach((c, j) => entry(c, ['chapters', i, 'chapters', j], ref.part));
    else entry(ref, ['chapters', i]);
  });
  return entries;
}

type ChapterEntry = Exclude<BookManifest['chapters'][number], { part: string }>;

/** Joins a relative reference onto the folder of `from` and normalises `.` and `..`; null when it escapes the book. */
export function resolveRelative(from: string, ref: string): string | null {
  const base = from.includes('/') ? from.slice(0, from.lastIndexOf('/') + 1) : '';
  return normalizePath(base + ref);
}

export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return '\0escape';
      out.pop();
    } else out.push(part);
  }
  return out.join('/');
}

/** True for what `normalizePath` gives a path that leaves the book, or an empty one. */
export function escapes(path: string): boolean {
  return !path || path.startsWith('\0');
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new BinderyError('invalid-input', 'file is not valid UTF-8 text', { file });
  }
}
