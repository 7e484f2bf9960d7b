import { describe, expect, it } from 'vitest';
import { editionFile, editionFileKey, editionFiles, fileFormat, pageCount } from '../../../src/catalog/editions.ts';
import { BinderyError } from '../../../src/errors.ts';
import { readMarks } from '../../../src/formats/read-stamp.ts';
import { FORMAT_REGISTRY, FORMATS, formatOfBytes, isFormat } from '../../../src/formats/registry.ts';

const entries = FORMATS.map((format) => FORMAT_REGISTRY[format]);
const file = (format: string, pages: number | null = null) => ({ format, r2Key: `k/${format}`, size: 1, sha256: 'x', pages });

describe('the format registry', () => {
  it('keys every entry by its own id', () => {
    for (const format of FORMATS) expect(FORMAT_REGISTRY[format].id).toBe(format);
  });

  it('gives each format its own media type, extension, label, sample name and magic bytes', () => {
    for (const field of ['mediaType', 'extension', 'label', 'sampleFile'] as const) {
      expect(new Set(entries.map((e) => e[field])).size, field).toBe(entries.length);
    }
    expect(new Set(entries.map((e) => e.magic.join())).size).toBe(entries.length);
    // A sample's build_files name must never be read as a full book's format.
    for (const entry of entries) expect(isFormat(entry.sampleFile)).toBe(false);
  });

  it('loads for each format a writer that writes that format', async () => {
    for (const entry of entries) expect((await entry.writer()).format).toBe(entry.id);
  });

  it('tells a format from its first bytes', () => {
    for (const entry of entries) expect(formatOfBytes(Uint8Array.from([...entry.magic, 0, 0]))).toBe(entry.id);
    expect(formatOfBytes(new TextEncoder().encode('plain text'))).toBeNull();
    expect(formatOfBytes(new Uint8Array())).toBeNull();
  });

  it('refuses to read a licence from a file in no known format, naming the formats it expected', async () => {
    const error = await readMarks(new TextEncoder().encode('plain text')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BinderyError);
    expect((error as BinderyError).message).toBe('expected an EPUB or a PDF file, or text sent as text/plain');
  });
});

describe('an edition’s files by format', () => {
  const edition = { files: [file('epub'), file('pdf', 120), file(fileFormat('epub', true)), file('cover')] };

  it('names build files and R2 keys after the registry', () => {
    expect(fileFormat('pdf', false)).toBe('pdf');
    expect(fileFormat('pdf', true)).toBe(FORMAT_REGISTRY.pdf.sampleFile);
    expect(editionFileKey('a-book', 'abc', 'epub', true)).toBe('editions/a-book/abc/a-book-sample.epub');
  });

  it('picks the book and the sample files apart, in registry order, ignoring files of no format', () => {
    expect(editionFile(edition, 'epub', true)?.format).toBe('sample-epub');
    expect(editionFile(edition, 'pdf', true)).toBeUndefined();
    expect(editionFiles(edition, false).map((f) => f.format)).toEqual(['epub', 'pdf']);
    expect(editionFiles(edition, true).map((f) => f.format)).toEqual(['epub']);
  });

  it('reads the page count from the paged format only', () => {
    expect(pageCount(edition)).toBe(120);
    expect(pageCount({ files: [file('epub', 7)] })).toBeUndefined();
  });
});
