import { consentGaps, loadBook } from '../content/load.ts';
import { pushAll } from '../arrays.ts';
import type { BookSource } from '../content/source.ts';
import { assembleBook } from '../document/assemble.ts';
import type { BookDocument } from '../document/model.ts';
import type { Warning } from '../errors.ts';
import { walkInlines } from '../document/parse.ts';
import { BinderyError } from '../errors.ts';
import { sha256Hex } from '../crypto.ts';
import { joinBytes } from '../bytes.ts';
import { FORMAT_REGISTRY, isFormat, type Format } from '../formats/registry.ts';
import type { Deflate } from '../deflate/compress.ts';
import type { FontSet } from '../formats/writer.ts';

/** Bumped when writer output changes, so old content hashes do not name new bytes. */
export const BUILDER_VERSION = '6';

export interface BuiltFile {
  format: Format;
  filename: string;
  mediaType: string;
  /** The file's bytes in order (a PDF's blocks as written): what the Worker streams to R2. */
  chunks: Uint8Array[];
  /** The same bytes as one array, joined on first use (the CLI writes it, tests read it). */
  readonly bytes: Uint8Array;
  size: number;
  sha256: string;
  pages?: number;
}

/** What a build records of one of its files. */
export type FileFacts = Omit<BuiltFile, 'bytes' | 'chunks'>;

export interface TocEntry {
  id: string;
  title: string;
  part?: string;
  headings: { id: string; level: number; text: string }[];
}

/** What a build says about itself: written to `<slug>.json` by the CLI and stored with the build by the Worker. */
export interface BuildFacts {
  slug: string;
  title: string;
  language: string;
  contentHash: string;
  characters: number;
  chapters: TocEntry[];
  files: FileFacts[];
  warnings: Warning[];
}

export interface BuildOptions {
  formats: readonly Format[];
  fonts: () => Promise<FontSet>;
  sourceDateEpoch?: number;
  onProgress?: (fraction: number, label: string) => void;
  deflate?: Deflate;
  /** SHA-256 (hex) of a file's chunks, as the runtime can hash them without joining (the Worker's DigestStream); by default they are joined and hashed. */
  sha256?: (chunks: readonly Uint8Array[]) => Promise<string>;
}

export interface BuildResult {
  document: BookDocument;
  files: BuiltFile[];
  facts: BuildFacts;
}

/**
 * Loads, validates and assembles a book; the content hash names what a build
 * of it would produce. Contributors without consent in a book that requires
 * it fail a build; `bindery check` (`consentGaps: 'warn'`) lists them all.
 */
export async function prepareBook(source: BookSource, options: Pick<BuildOptions, 'formats' | 'sourceDateEpoch'> & { consentGaps?: 'fail' | 'warn' }) {
  const book = await loadBook(source);
  const gaps = consentGaps(book);
  if (gaps.length && options.consentGaps !== 'warn') {
    const [first] = gaps;
    const more = gaps.length > 1 ? ` (${gaps.length - 1} more; bindery check lists them)` : '';
    throw new BinderyError('invalid-article', `${first.message}${more}; book.yaml sets "consent"`, { file: first.file, line: first.line, field: 'contributors' });
  }
  const document = await assembleBook(book, { sourceDateEpoch: options.sourceDateEpoch });
  pushAll(document.warnings, gaps);
  return { document, contentHash: await contentHash(document, options.formats) };
}

/**
 * The one build path: CLI and Worker both call this. Reads the book from
 * `source`, renders every requested format and returns bytes plus facts.
 */
export async function buildBook(source: BookSource, options: BuildOptions): Promise<BuildResult> {
  const { document, contentHash: hash } = await prepareBook(source, options);
  return renderDocument(document, hash, options);
}

export async function renderDocument(document: BookDocument, hash: string, options: BuildOptions): Promise<BuildResult> {
  const files: BuiltFile[] = [];
  const warnings = [...document.warnings];
  for (const [i, format] of options.formats.entries()) {
    if (!isFormat(format)) throw new BinderyError('invalid-input', `format "${format}" is not available`, { field: 'format' });
    const entry = FORMAT_REGISTRY[format];
    const writer = await entry.writer();
    const rendered = await writer.render(document, {
      fonts: options.fonts,
      deflate: options.deflate,
      warn: (w) => warnings.push(w),
      onProgress: (f, label) => options.onProgress?.((i + f) / options.formats.length, `${format}: ${label}`),
    });
    const { chunks } = rendered;
    files.push(
      builtFile(chunks, {
        format,
        filename: `${document.meta.slug}.${entry.extension}`,
        mediaType: entry.mediaType,
        size: chunks.reduce((n, chunk) => n + chunk.byteLength, 0),
        sha256: await (options.sha256 ?? sha256OfJoined)(chunks),
        ...(rendered.pages !== undefined ? { pages: rendered.pages } : {}),
      }),
    );
  }
  return { document, files, facts: describe(document, hash, files, warnings) };
}

/** A built file whose `bytes` joins its chunks on first use. */
function builtFile(chunks: Uint8Array[], facts: FileFacts): BuiltFile {
  let joined: Uint8Array | undefined;
  return {
    ...facts,
    chunks,
    get bytes() {
      return (joined ??= chunks.length === 1 ? chunks[0] : joinBytes(chunks));
    },
  };
}

const sha256OfJoined = (chunks: readonly Uint8Array[]): Promise<string> => sha256Hex(chunks.length === 1 ? chunks[0] : joinBytes(chunks));

function describe(doc: BookDocument, hash: string, files: BuiltFile[], warnings: Warning[]): BuildFacts {
  let characters = 0;
  for (const chapter of doc.chapters) {
    characters += chapter.title.length;
    walkInlines(chapter.blocks, (n) => {
      if (n.type === 'text' || n.type === 'code') characters += codePointCount(n.value);
    });
  }
  return {
    slug: doc.meta.slug,
    title: doc.meta.title,
    language: doc.meta.language,
    contentHash: hash,
    characters,
    chapters: doc.chapters.map((c) => ({ id: c.id, title: c.title, ...(c.part ? { part: c.part } : {}), headings: c.headings })),
    files: files.map(({ format, filename, mediaType, size, sha256, pages }) => ({ format, filename, mediaType, size, sha256, ...(pages !== undefined ? { pages } : {}) })),
    warnings,
  };
}

/** Characters as a reader counts them: code points, a surrogate pair once (without spreading the text into an array). */
function codePointCount(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const high = text.charCodeAt(i);
    if (high < 0xd800 || high > 0xdbff) continue;
    const low = text.charCodeAt(i + 1);
    if (low >= 0xdc00 && low <= 0xdfff) {
      count--;
      i++;
    }
  }
  return count;
}

/** sha256 over everything that shapes the output: builder version, formats, metadata, chapters and asset bytes. */
export async function contentHash(doc: BookDocument, formats: readonly Format[]): Promise<string> {
  const assets = await Promise.all([...doc.assets.values()].map(async (a) => [a.path, await sha256Hex(a.bytes)]));
  const canonical = JSON.stringify({
    v: BUILDER_VERSION,
    formats: [...formats].sort(),
    meta: { ...doc.meta, modified: doc.meta.modified.toISOString() },
    chapters: doc.chapters,
    parts: doc.parts,
    assets,
  });
  return sha256Hex(canonical);
}

