import type { Deflate } from '../deflate/compress.ts';
import type { BookDocument } from '../document/model.ts';
import type { Format } from './registry.ts';

/** The faces a PDF is set in. */
export type FaceRole = 'regular' | 'bold' | 'mono';

/** Faces a PDF falls back to for characters the book's faces lack (src/pdf/font-keys.ts says which files). */
export type FallbackRole = 'hk' | 'emoji' | 'hanazono';

/** The fonts a PDF is set in. The CLI reads them from node_modules; the Worker from R2. */
export interface FontSet extends Record<FaceRole, Uint8Array> {
  /**
   * Reads a fallback face's file, or one block of a face stored in blocks
   * (`block`: its first code point): called only for a book with a character
   * that face is tried for. Undefined for a face from a Debian package that is
   * not installed (or not uploaded to R2): its characters are drawn as boxes.
   */
  fallback(role: FallbackRole, block?: number): Promise<Uint8Array | undefined>;
}

export interface WriterContext {
  /** Loads fonts on first use: an EPUB-only build never touches them. */
  fonts: () => Promise<FontSet>;
  /** Progress for long builds, 0..1 within this writer. */
  onProgress?: (fraction: number, label: string) => void;
  /** Adds a located, non-fatal problem (missing glyph, unsupported image in PDF…). */
  warn: (warning: { file: string; line?: number; message: string }) => void;
  /** The runtime's native DEFLATE, where it has one (the CLI: Node's zlib); writers fall back to our own (src/deflate). */
  deflate?: Deflate;
}

export interface RenderedFile {
  /** The file's bytes, in order: a long PDF is written out in blocks as it is laid out, and is not joined into one array unless a caller asks. */
  chunks: Uint8Array[];
  /** Page count, for paged formats. */
  pages?: number;
}

/** One output format over the shared document model (mdBook's Renderer, pandoc's writer). */
export interface Writer {
  readonly format: Format;
  render(doc: BookDocument, ctx: WriterContext): Promise<RenderedFile>;
}
