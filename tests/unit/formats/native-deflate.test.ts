import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DirectorySource } from '../../../src/cli/directory-source.ts';
import { loadCliFonts } from '../../../src/cli/fonts.ts';
import { buildBook, type BuildResult } from '../../../src/pipeline/build.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';

/**
 * The CLI passes Node's zlib as the runtime's deflate (`BuildOptions.deflate`);
 * the Worker has none and every stream goes through our own. Both must write
 * the same book: the same EPUB entries and the same PDF objects, only
 * compressed differently.
 */
const BOOK = 'tests/fixtures/books/edge-cases';
let work: string;
let portable: BuildResult;
let native: BuildResult;
let nativeCalls = 0;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'bindery-native-deflate-'));
  const options = { formats: ['epub', 'pdf'] as const, fonts: loadCliFonts, sourceDateEpoch: 1_700_000_000 };
  portable = await buildBook(new DirectorySource(BOOK), { ...options, formats: [...options.formats] });
  native = await buildBook(new DirectorySource(BOOK), {
    ...options,
    formats: [...options.formats],
    deflate: (data) => {
      nativeCalls++;
      return deflateSync(data, { level: 6 });
    },
  });
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function file(result: BuildResult, format: string) {
  return result.files.find((f) => f.format === format)!;
}

/** The PDF with every stream uncompressed and every object written out on its own (qpdf's QDF form, its own ID fixed), which names no compressor. */
function uncompressed(result: BuildResult, name: string): Buffer {
  const path = join(work, `${name}.pdf`);
  writeFileSync(path, file(result, 'pdf').bytes);
  execFileSync('qpdf', ['--check', path], { stdio: 'ignore' });
  return execFileSync('qpdf', ['--qdf', '--static-id', '--object-streams=disable', '--stream-data=uncompress', path, '-'], { maxBuffer: 1 << 28 });
}

/** The zlib header of each FlateDecode stream the writer compressed (a PNG's own data is kept): 78 01 is our deflate's, 78 9c zlib's (and fflate's) at level 6. */
function zlibHeaders(result: BuildResult): Map<string, number> {
  const text = Buffer.from(file(result, 'pdf').bytes).toString('latin1');
  const headers = new Map<string, number>();
  for (const match of text.matchAll(/\bstream\r?\n/g)) {
    const dict = text.slice(text.lastIndexOf(' obj', match.index), match.index);
    if (!dict.includes('/FlateDecode') || dict.includes('/Image')) continue;
    const at = match.index + match[0].length;
    const header = Buffer.from(text.slice(at, at + 2), 'latin1').toString('hex');
    headers.set(header, (headers.get(header) ?? 0) + 1);
  }
  return headers;
}

describeWithTools([TOOLS.qpdf], 'the runtime\'s native deflate', () => {
  it('writes the same EPUB entries as our own deflate', () => {
    const [a, b] = [portable, native].map((r) => unzipSync(file(r, 'epub').bytes));
    expect(Object.keys(b)).toEqual(Object.keys(a));
    for (const name of Object.keys(a)) expect(Buffer.from(b[name]).equals(Buffer.from(a[name])), name).toBe(true);
  });

  it('compresses every PDF stream, and the file qpdf checks is the same document as with our own deflate', () => {
    expect(nativeCalls).toBeGreaterThan(file(native, 'pdf').pages!);
    // The subset font files and their ToUnicode maps too, which pdf-lib compresses itself (with fflate, unless told).
    expect([...zlibHeaders(native).keys()]).toEqual(['789c']);
    expect([...zlibHeaders(portable).keys()]).toEqual(['7801']);
    expect(Buffer.from(file(native, 'pdf').bytes).equals(file(portable, 'pdf').bytes)).toBe(false);
    expect(uncompressed(native, 'native').equals(uncompressed(portable, 'portable'))).toBe(true);
  });
});
