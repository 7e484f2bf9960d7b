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

/** The PDF with every stream uncompressed and every object written out on its own (qpdf's QDF form), which names no compressor. */
function uncompressed(result: BuildResult, name: string): Buffer {
  const path = join(work, `${name}.pdf`);
  writeFileSync(path, file(result, 'pdf').bytes);
  execFileSync('qpdf', ['--check', path], { stdio: 'ignore' });
  return execFileSync('qpdf', ['--qdf', '--object-streams=disable', '--stream-data=uncompress', path, '-'], { maxBuffer: 1 << 28 });
}

describeWithTools([TOOLS.qpdf], 'the runtime\'s native deflate', () => {
  it('writes the same EPUB entries as our own deflate', () => {
    const [a, b] = [portable, native].map((r) => unzipSync(file(r, 'epub').bytes));
    expect(Object.keys(b)).toEqual(Object.keys(a));
    for (const name of Object.keys(a)) expect(Buffer.from(b[name]).equals(Buffer.from(a[name])), name).toBe(true);
  });

  it('compresses every PDF stream, and the file qpdf checks is the same document as with our own deflate', () => {
    expect(nativeCalls).toBeGreaterThan(file(native, 'pdf').pages!);
    expect(Buffer.from(file(native, 'pdf').bytes).equals(file(portable, 'pdf').bytes)).toBe(false);
    expect(uncompressed(native, 'native').equals(uncompressed(portable, 'portable'))).toBe(true);
  });
});
