import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFPage, PDFRawStream, PDFRef, PDFStream, decodePDFRawStream } from '@cantoo/pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinBytes } from '../../../src/bytes.ts';
import { StreamedPdf } from '../../../src/pdf/streamed-file.ts';
import { TOOLS, describeWithTools } from '../../support/tools.ts';

/**
 * A three-page file written the way the PDF writer writes a book: each page
 * and its content stream out as soon as it is finished, some dictionaries
 * with numbers outside pdf-lib's ref pool, one number never used, the rest
 * at the end.
 */
async function streamedFile(): Promise<{ bytes: Uint8Array; heldAfterPages: number }> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const file = new StreamedPdf(pdf.context);
  const font = pdf.context.register(pdf.context.obj({ Type: 'Font', Subtype: 'Type1', BaseFont: 'Helvetica', Encoding: 'WinAnsiEncoding' }));
  const pagesRef = pdf.catalog.get(PDFName.of('Pages')) as PDFRef;
  const pages: PDFRef[] = [];
  for (const word of ['First', 'Second', 'Third']) {
    const page = PDFPage.create(pdf);
    page.setSize(200, 100);
    page.node.setParent(pagesRef);
    const name = page.node.newFontDictionary('F', font);
    const content = pdf.context.register(pdf.context.flateStream(`BT ${name} 12 Tf 20 40 Td (${word} page) Tj ET`));
    page.node.addContentStream(content);
    file.write(content);
    file.write(page.ref);
    pages.push(page.ref);
  }
  // A gap: a number handed out and never written, as an SVG's scratch page leaves.
  pdf.context.nextRef();
  const notes = Array.from({ length: 60 }, () => file.newRef());
  // The writer names such objects in syntax it writes itself; here a PDFRef of the same number stands in.
  const refTo = (i: number) => PDFRef.of(notes[i % notes.length].objectNumber);
  notes.forEach((ref, i) => file.writeObject(ref, pdf.context.obj({ Note: PDFNumber.of(i), Next: refTo(i + 1) })));
  pdf.catalog.set(PDFName.of('Notes'), refTo(0));
  const heldAfterPages = pdf.context.enumerateIndirectObjects().length;
  const tree = pdf.catalog.Pages();
  tree.set(PDFName.of('Kids'), pdf.context.obj(pages));
  tree.set(PDFName.of('Count'), PDFNumber.of(pages.length));
  const bytes = joinBytes(file.finish({ Root: pdf.context.trailerInfo.Root as PDFRef }));
  return { bytes, heldAfterPages };
}

describe('a PDF written out object by object', () => {
  let built: Awaited<ReturnType<typeof streamedFile>>;
  beforeAll(async () => {
    built = await streamedFile();
  });

  it('keeps only what is not finished in memory: written pages and dictionaries leave pdf-lib', () => {
    // The catalog, the page tree and the font: nothing of the pages or the 60 dictionaries.
    expect(built.heldAfterPages).toBe(3);
  });

  it('reads back in pdf-lib with every page, its content and every dictionary', async () => {
    const doc = await PDFDocument.load(built.bytes, { updateMetadata: false });
    expect(doc.getPageCount()).toBe(3);
    const text = doc.getPages().map((page) => {
      const contents = doc.context.lookup(page.node.get(PDFName.of('Contents')), PDFArray);
      const stream = doc.context.lookup(contents.get(0), PDFStream) as PDFRawStream;
      return new TextDecoder().decode(decodePDFRawStream(stream).decode());
    });
    expect(text.map((content) => content.replace(/\/\S+ 12 Tf/, '/F 12 Tf'))).toEqual(['First', 'Second', 'Third'].map((word) => `BT /F 12 Tf 20 40 Td (${word} page) Tj ET`));
    let note = doc.context.lookup(doc.catalog.get(PDFName.of('Notes')) as PDFRef, PDFDict);
    const seen: number[] = [];
    for (let i = 0; i < 60; i++) {
      seen.push((note.get(PDFName.of('Note')) as PDFNumber).asNumber());
      note = doc.context.lookup(note.get(PDFName.of('Next')) as PDFRef, PDFDict);
    }
    expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => i));
  });
});

describeWithTools([TOOLS.qpdf, TOOLS.poppler], 'a PDF written out object by object, read by qpdf and poppler', () => {
  const work = mkdtempSync(join(tmpdir(), 'bindery-streamed-'));
  const path = join(work, 'streamed.pdf');
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  beforeAll(async () => writeFileSync(path, (await streamedFile()).bytes));

  it('passes qpdf --check and shows each page its own text', () => {
    expect(execFileSync('qpdf', ['--check', path], { encoding: 'utf8' })).toContain('No syntax or stream encoding errors found');
    const pages = execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' }).split('\f').map((page) => page.trim());
    expect(pages.slice(0, 3)).toEqual(['First page', 'Second page', 'Third page']);
  });
});
