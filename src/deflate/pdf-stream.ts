import { PDFRawStream, typedArrayFor, type PDFContext, type PDFDict } from '@cantoo/pdf-lib';
import { deflate, type Deflate } from './compress.ts';

type DictEntries = Parameters<PDFContext['obj']>[0] & Record<string, unknown>;
const encoder = new TextEncoder();

/**
 * A FlateDecode stream of `data` (bytes, or operators as an ASCII string)
 * compressed by `compress`, by default our own deflate: pdf-lib's
 * `flateStream` goes through fflate, which allocates ~200 KB of tables for
 * every stream — a book's pages are hundreds of streams (docs/decisions.md).
 */
export function flateStream(context: PDFContext, data: Uint8Array | string, entries: DictEntries = {}, compress: Deflate = deflate): PDFRawStream {
  return deflatedStream(context, compress(typeof data === 'string' ? encoder.encode(data) : data), entries);
}

/** A FlateDecode stream of data deflated already (`zlib`: a zlib stream). */
export function deflatedStream(context: PDFContext, zlib: Uint8Array, entries: DictEntries = {}): PDFRawStream {
  return PDFRawStream.of(context.obj({ ...entries, Filter: 'FlateDecode' }) as PDFDict, zlib);
}

/**
 * Makes every stream pdf-lib compresses itself for this document — the
 * subset font files and their ToUnicode maps, images — go through `compress`
 * as the writer's own streams do, rather than fflate: the font files are the
 * largest streams of a book (the CLI then compresses them with Node's zlib,
 * and an EPUB-free PDF build never runs fflate's deflate).
 */
export function compressStreamsWith(context: PDFContext, compress: Deflate): void {
  // pdf-lib's own turns a string into bytes one char code each (typedArrayFor), not as UTF-8.
  context.flateStream = (contents, dict = {}) => deflatedStream(context, compress(typedArrayFor(contents)), dict as DictEntries);
}
