import { execFileSync, spawnSync } from 'node:child_process';
import type { Licence } from '../../../src/licence.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream } from '@cantoo/pdf-lib';
import { strFromU8, strToU8, unzipSync, unzlibSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readMarks } from '../../../src/formats/read-stamp.ts';
import { stampEpub } from '../../../src/stamp/epub.ts';
import { stampPdf } from '../../../src/stamp/pdf.ts';
import { loadForStamp, readObjectMap, rewritePdf } from '../../../src/stamp/pdf-rewrite.ts';
import { epubcheck, EPUBCHECK_CLEAN } from '../../support/epubcheck.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';
import { SAMPLE_TITLE, sampleEpub, samplePdf } from './sample-files.ts';
import { MARK_KEY } from '../../support/mark-key.ts';

const licence: Licence = { email: 'reader@example.com', orderId: 'pur_6f1c1f7e4a1b4c559d3e2b7f0a9e8c11', mark: '6f1c1f7e-4a1b-4c55-9d3e-2b7f0a9e8c11' };
const LINE = `Licensed to reader@example.com · purchase ${licence.orderId}`;

const dir = mkdtempSync(join(tmpdir(), 'bindery-stamp-'));
function writeTemp(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('stampPdf', () => {
  it('keeps the outline, the internal link and the title', async () => {
    const stamped = await PDFDocument.load(await stampPdf(await samplePdf(3), licence, { markKey: MARK_KEY }), { updateMetadata: false });
    const outlines = stamped.catalog.lookup(PDFName.of('Outlines'), PDFDict);
    expect(outlines.get(PDFName.of('Count'))?.toString()).toBe('3');
    expect(stamped.getPage(0).node.Annots()?.size()).toBe(1);
    expect(stamped.getTitle()).toBe(SAMPLE_TITLE);
    expect(stamped.getPageCount()).toBe(3);
  });

  it('marks the purchase in metadata, the text layer and the printed line, where readMarks finds them', async () => {
    const marks = await readMarks(await stampPdf(await samplePdf(2), licence, { markKey: MARK_KEY }), { markKey: MARK_KEY });
    expect(marks).toEqual({ kind: 'pdf', purchases: [{ purchaseId: licence.orderId, layers: ['metadata', 'text', 'visible'], textPlaces: 2, layoutLines: 0, licenceMark: licence.mark, unkeyedLayers: [] }] });
  });

  it('finds no purchase in an unstamped file', async () => {
    expect(await readMarks(await samplePdf(1), { markKey: MARK_KEY })).toEqual({ kind: 'pdf', purchases: [] });
  });

  it('keeps the structure tree and MarkInfo, and draws the marks and the licence line as artifacts', async () => {
    const source = await PDFDocument.load(await samplePdf(1), { updateMetadata: false });
    const tree = source.context.obj({ Type: 'StructTreeRoot' });
    source.catalog.set(PDFName.of('StructTreeRoot'), source.context.register(tree));
    source.catalog.set(PDFName.of('MarkInfo'), source.context.obj({ Marked: true }));
    const stamped = await PDFDocument.load(await stampPdf(await source.save(), licence, { markKey: MARK_KEY }), { updateMetadata: false });
    expect(stamped.catalog.lookup(PDFName.of('StructTreeRoot'), PDFDict).get(PDFName.of('Type'))?.toString()).toBe('/StructTreeRoot');
    expect(stamped.catalog.lookup(PDFName.of('MarkInfo'), PDFDict).get(PDFName.of('Marked'))?.toString()).toBe('true');
    const contents = stamped.getPage(0).node.Contents()!;
    const streams = contents instanceof PDFArray ? contents.asArray().map((ref) => stamped.context.lookup(ref)) : [contents];
    const page = streams.map((stream) => (stream as PDFRawStream)).map((stream) => strFromU8(stream.dict.has(PDFName.of('Filter')) ? unzlibSync(stream.contents) : stream.contents)).join('\n');
    // The stamp follows the page's own drawing, which it brackets in q … Q.
    const ops = page.slice(page.lastIndexOf('\nQ\nq\n/Artifact BMC') + 3);
    expect(ops).toMatch(/^q\n\/Artifact BMC BT \/BinderyMark\S* 0.025 Tf .* Tj ET EMC\nQ\n/);
    expect(ops).toMatch(/\nq \/Artifact <<\/Type \/Pagination \/Subtype \/Footer>> BDC BT .* Tj ET EMC Q$/);
  });

  it('prints only what the deployment chose: the purchase id without the e-mail', async () => {
    const marks = await readMarks(await stampPdf(await samplePdf(1), licence, { markKey: MARK_KEY, line: 'purchase' }), { markKey: MARK_KEY });
    expect(marks.purchases[0].layers).toContain('visible');
    const emailOnly = await readMarks(await stampPdf(await samplePdf(1), licence, { markKey: MARK_KEY, line: 'email' }), { markKey: MARK_KEY });
    expect(emailOnly.purchases[0].layers).toEqual(['metadata', 'text']);
  });

  it('gives the same bytes for the same file and licence', async () => {
    const pdf = await samplePdf(2);
    expect(await stampPdf(pdf, licence, { markKey: MARK_KEY })).toEqual(await stampPdf(pdf, licence, { markKey: MARK_KEY }));
  });
});

describe('stampEpub', () => {
  it('puts the licence page right after the title page in the spine and manifest', () => {
    const files = unzipSync(stampEpub(sampleEpub(), licence, { markKey: MARK_KEY }));
    const opf = strFromU8(files['EPUB/package.opf']);
    const spine = [...opf.matchAll(/<itemref idref="([^"]+)"/g)].map((m) => m[1]);
    expect(spine).toEqual(['titlepage', 'bindery-licence', 'nav', 'ch01']);
    expect(opf).toContain('<item id="bindery-licence" href="bindery-licence.xhtml" media-type="application/xhtml+xml"/>');
    expect(strFromU8(files['EPUB/bindery-licence.xhtml'])).toContain(LINE);
    // The licence mark is what verify takes as proof in metadata: the page a reader may show or photograph never prints it.
    expect(strFromU8(files['EPUB/bindery-licence.xhtml'])).not.toContain(licence.mark);
    expect(strFromU8(files['EPUB/package.opf'])).toContain(`urn:uuid:${licence.mark}`);
    expect(Object.keys(files)[0]).toBe('mimetype');
  });

  it('marks the purchase in the OPF, the chapters’ text and the licence page, where readMarks finds them', async () => {
    const marks = await readMarks(stampEpub(sampleEpub(), licence, { markKey: MARK_KEY }), { markKey: MARK_KEY });
    expect(marks).toMatchObject({ kind: 'epub', purchases: [{ purchaseId: licence.orderId, layers: ['metadata', 'text', 'visible'], licenceMark: licence.mark }] });
    expect(await readMarks(sampleEpub(), { markKey: MARK_KEY })).toEqual({ kind: 'epub', purchases: [] });
  });

  it('finds the purchase in the text layer of a copy whose OPF metadata was stripped', async () => {
    const files = unzipSync(stampEpub(sampleEpub(), licence, { markKey: MARK_KEY }));
    files['EPUB/package.opf'] = strToU8(strFromU8(files['EPUB/package.opf']).replace(/<meta property="bindery:[^>]*>[^<]*<\/meta>\n/g, ''));
    delete files['EPUB/bindery-licence.xhtml'];
    const marks = await readMarks(zipSync(files), { markKey: MARK_KEY });
    expect(marks.purchases).toMatchObject([{ purchaseId: licence.orderId, layers: ['text'] }]);
  });

  it('prints on the licence page only what the deployment chose', async () => {
    const files = unzipSync(stampEpub(sampleEpub(), licence, { markKey: MARK_KEY, line: 'purchase' }));
    const page = strFromU8(files['EPUB/bindery-licence.xhtml']);
    expect(page).toContain(`Licensed copy · purchase ${licence.orderId}`);
    expect(page).not.toContain(licence.email);
  });

  it('refuses to stamp a file twice', () => {
    expect(() => stampEpub(stampEpub(sampleEpub(), licence, { markKey: MARK_KEY }), licence, { markKey: MARK_KEY })).toThrow(/already stamped/);
  });

  it('rejects files that are neither EPUB nor PDF', async () => {
    await expect(readMarks(new TextEncoder().encode('hello'), { markKey: MARK_KEY })).rejects.toThrow(/EPUB or a PDF/);
  });
});

describeWithTools([TOOLS.qpdf, TOOLS.poppler], 'stamped PDFs under qpdf and poppler', () => {
  it('prints the licence line in the footer of every page and passes qpdf --check', async () => {
    const path = writeTemp('stamped.pdf', await stampPdf(await samplePdf(5), licence, { markKey: MARK_KEY }));
    const check = spawnSync('qpdf', ['--check', path], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    for (let page = 1; page <= 5; page++) {
      const text = execFileSync('pdftotext', ['-f', String(page), '-l', String(page), '-enc', 'UTF-8', path, '-'], { encoding: 'utf8' });
      expect(text, `page ${page}`).toContain(LINE);
    }
  });

  it('writes a copy of 130,000 objects (a book of thousands of pages) that passes qpdf --check', async () => {
    const edition = await samplePdf(1);
    const objects = readObjectMap(edition)!;
    const doc = await loadForStamp(edition, objects);
    for (let i = 0; i < 130_000; i++) doc.context.register(doc.context.obj([i]));
    const copy = rewritePdf(edition, objects, doc.context, new Set(), new Set());
    const check = spawnSync('qpdf', ['--check', writeTemp('many-objects.pdf', copy)], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toMatch(/No syntax or stream encoding errors/);
  });

  it('stamps a PDF indexed by a classic cross-reference table (not the writer’s stream) as fully as its own files', async () => {
    const classic = await (await PDFDocument.load(await samplePdf(3))).save({ useObjectStreams: false });
    expect(strFromU8(classic.subarray(-64))).toMatch(/startxref/);
    expect(strFromU8(classic)).toMatch(/\nxref\n/);
    const stamped = await stampPdf(classic, licence, { markKey: MARK_KEY });
    const check = spawnSync('qpdf', ['--check', writeTemp('classic.pdf', stamped)], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect((await readMarks(stamped, { markKey: MARK_KEY })).purchases).toMatchObject([{ purchaseId: licence.orderId, layers: ['metadata', 'text', 'visible'] }]);
  });
});

describeWithTools([TOOLS.epubcheck], 'stamped EPUBs under EPUBCheck', () => {
  it('passes EPUBCheck with no errors and no warnings', async () => {
    const checks = [['original', sampleEpub()], ['stamped', stampEpub(sampleEpub(), licence, { markKey: MARK_KEY })]] as const;
    for (const [name, { summary, report }] of await Promise.all(checks.map(async ([name, bytes]) => [name, await epubcheck(bytes, name)] as const))) {
      expect(summary, `${name}\n${report}`).toBe(EPUBCHECK_CLEAN);
    }
  });
});
