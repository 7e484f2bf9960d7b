import { describe, expect, it } from 'vitest';
import { BinderyError } from '../../../src/errors.ts';
import { readMarks } from '../../../src/formats/read-stamp.ts';
import { ENCRYPTED_PDF, epubOf, licenceAfter, licensedOpf, MARK, MB, ORDER_ID, pdfWithFlateXmp, pdfWithFormFanOut, pdfWithObjectStreamBomb, pdfWithToUnicodeRanges, pdfWithWidthRanges, withDeclaredSize, zipOf } from './hostile-files.ts';
import { samplePdf } from './sample-files.ts';

const found = (kind: 'epub' | 'pdf') => ({ kind, purchases: [{ purchaseId: ORDER_ID, layers: ['metadata'], textPlaces: 0, layoutLines: 0, licenceMark: MARK, unkeyedLayers: [] }] });
const unreadable = (message: RegExp) => expect.objectContaining({ name: 'BinderyError', code: 'invalid-input', message: expect.stringMatching(message) });

describe('readMarks on EPUB zip bombs', () => {
  it('reads the licence of an EPUB with a 300 MB zip bomb in its content, without inflating the bomb', async () => {
    const epub = epubOf({ extra: { 'EPUB/bomb.xhtml': { head: '<p>', padding: 300 * MB, tail: '</p>' } } });
    expect(await readMarks(epub)).toEqual(found('epub'));
  });

  it('refuses an EPUB whose package document inflates to 300 MB', async () => {
    const epub = epubOf({ opf: { head: licensedOpf(), padding: 300 * MB, tail: '</package>' } });
    await expect(readMarks(epub)).rejects.toEqual(unreadable(/"EPUB\/package.opf" inflates to 300 MB, over the 16 MB limit/));
  });

  it('refuses an EPUB whose package document inflates past the size its zip header declares', async () => {
    const epub = withDeclaredSize(epubOf({ opf: { head: licensedOpf(), padding: 300 * MB, tail: '</package>' } }), 'EPUB/package.opf', 4096);
    await expect(readMarks(epub)).rejects.toEqual(unreadable(/inflates past the size its zip header declares/));
  });

  it('says a zip without META-INF/container.xml is not an EPUB', async () => {
    await expect(readMarks(zipOf({ 'readme.txt': 'hello' }))).rejects.toEqual(unreadable(/the zip is not an EPUB/));
  });

  it('refuses random bytes after a zip signature as not a zip', async () => {
    const bytes = crypto.getRandomValues(new Uint8Array(4096));
    bytes.set([0x50, 0x4b, 0x03, 0x04]);
    await expect(readMarks(bytes)).rejects.toEqual(unreadable(/not a zip archive/));
  });
});

describe('readMarks on hostile PDFs', () => {
  it('reads a licence from a small Flate-compressed XMP packet', async () => {
    expect(await readMarks(await pdfWithFlateXmp(licenceAfter(1000)))).toEqual(found('pdf'));
  });

  it('finds no licence in an XMP packet that inflates past 4 MB, and stops inflating there', async () => {
    const pdf = await pdfWithFlateXmp(licenceAfter(64 * MB));
    const started = performance.now();
    expect((await readMarks(pdf)).purchases).toEqual([]);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('reads a page whose forms draw forms 300 times over, four levels deep, in bounded time', async () => {
    const pdf = await pdfWithFormFanOut(300, 4);
    // The work the file costs (CPU time of this test's process), not the wall clock a loaded machine stretches.
    const started = process.cpuUsage();
    expect(await readMarks(pdf)).toEqual({ kind: 'pdf', purchases: [] });
    const used = process.cpuUsage(started);
    expect((used.user + used.system) / 1000).toBeLessThan(10_000);
  });

  it('reads a font whose ToUnicode or widths name every code a thousand times over in bounded time (a 1 KB file took 30 s; 100,000 ranges, minutes)', async () => {
    for (const pdf of [pdfWithToUnicodeRanges(100_000), pdfWithWidthRanges(20_000)]) {
      const started = process.cpuUsage();
      expect(await readMarks(pdf)).toEqual({ kind: 'pdf', purchases: [] });
      const used = process.cpuUsage(started);
      expect((used.user + used.system) / 1000).toBeLessThan(5_000);
    }
  });

  it('refuses a PDF whose object stream inflates past 32 MB before pdf-lib inflates it whole (a 21 KB file took 860 MB)', async () => {
    const bomb = pdfWithObjectStreamBomb(400 * MB);
    expect(bomb.length).toBeLessThan(MB);
    await expect(readMarks(bomb)).rejects.toEqual(unreadable(/object streams inflate past 32 MB/));
  });

  it('reads a PDF with an ordinary object stream', async () => {
    expect(await readMarks(pdfWithObjectStreamBomb(1000))).toEqual({ kind: 'pdf', purchases: [] });
  });

  it('refuses a truncated PDF', async () => {
    const pdf = await samplePdf(2);
    await expect(readMarks(pdf.slice(0, pdf.length >> 1))).rejects.toEqual(unreadable(/truncated/));
  });

  it('refuses garbage after %PDF as an unreadable PDF', async () => {
    await expect(readMarks(new TextEncoder().encode(`%PDF-1.7\n${'x'.repeat(1000)}\n%%EOF\n`))).rejects.toEqual(unreadable(/not a readable PDF/));
  });

  it('says an encrypted PDF is encrypted', async () => {
    await expect(readMarks(ENCRYPTED_PDF)).rejects.toEqual(unreadable(/encrypted/));
  });

  it('refuses every malformed PDF with a BinderyError, never another error', async () => {
    const pdf = await samplePdf(2);
    const cuts = [9, 100, pdf.length >> 2, pdf.length - 200];
    for (const cut of cuts) {
      const mangled = new Uint8Array([...pdf.subarray(0, cut), ...new TextEncoder().encode('garbage\n%%EOF\n')]);
      const outcome = await readMarks(mangled).then(
        (marks) => (marks.purchases.length ? marks : null),
        (err: unknown) => err,
      );
      if (outcome !== null) expect(outcome, `cut at ${cut}`).toBeInstanceOf(BinderyError);
    }
  });
});
