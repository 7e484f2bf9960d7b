import { execFileSync, spawnSync } from 'node:child_process';
import type { Licence } from '../../../src/licence.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName, type PDFRawStream } from '@cantoo/pdf-lib';
import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildBook, type BuiltFile } from '../../../src/pipeline/build.ts';
import { DirectorySource } from '../../../src/cli/directory-source.ts';
import { loadCliFonts } from '../../../src/cli/fonts.ts';
import { readMarks } from '../../../src/formats/read-stamp.ts';
import { stampEpub } from '../../../src/stamp/epub.ts';
import { stampPdf } from '../../../src/stamp/pdf.ts';
import { decodePlan } from '../../../src/stamp/pdf-stamp-plan.ts';
import { joinBytes } from '../../../src/bytes.ts';
import { sha256Hex } from '../../../src/crypto.ts';
import { epubcheck, EPUBCHECK_CLEAN } from '../../support/epubcheck.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';
import { MARK_KEY } from '../../support/mark-key.ts';

/** The real sample book, built by the real writers, then stamped: what buyers actually get. */
const licence: Licence = { email: 'reader@example.com', orderId: 'pur_0b8a3c4e5f604a7b8c9d0e1f2a3b4c5d', mark: '0b8a3c4e-5f60-4a7b-8c9d-0e1f2a3b4c5d' };
const line = `Licensed to reader@example.com · purchase ${licence.orderId}`;
const dir = mkdtempSync(join(tmpdir(), 'bindery-stamp-book-'));
let epub: Uint8Array;
let pdf: BuiltFile;

beforeAll(async () => {
  const { files } = await buildBook(new DirectorySource('books/ai-video-handbook'), { formats: ['epub', 'pdf'], fonts: loadCliFonts });
  epub = files.find((f) => f.format === 'epub')!.bytes;
  pdf = files.find((f) => f.format === 'pdf')!;
}, 300_000);

describeWithTools([TOOLS.epubcheck], 'a stamped ai-video-handbook EPUB', () => {
  it('passes EPUBCheck with 0 errors and 0 warnings, with the licence page after the title page', async () => {
    const stamped = stampEpub(epub, licence, { markKey: MARK_KEY });
    const { summary, report } = await epubcheck(stamped, 'stamped');
    expect(summary, report).toBe(EPUBCHECK_CLEAN);
    const files = unzipSync(stamped);
    const opfPath = Object.keys(files).find((f) => f.endsWith('.opf'))!;
    const opf = strFromU8(files[opfPath]);
    const spine = [...opf.matchAll(/<itemref idref="([^"]+)"/g)].map((m) => m[1]);
    const licenceAt = spine.indexOf('bindery-licence');
    expect(licenceAt).toBeGreaterThan(0);
    const previous = [...opf.matchAll(/<item\b[^>]*>/g)].map((m) => m[0]).find((tag) => tag.includes(`id="${spine[licenceAt - 1]}"`))!;
    const href = /href="([^"]+)"/.exec(previous)![1];
    const prefix = opfPath.includes('/') ? opfPath.slice(0, opfPath.lastIndexOf('/') + 1) : '';
    expect(strFromU8(files[prefix + href])).toMatch(/epub:type="[^"]*titlepage/);
  });
});

describeWithTools([TOOLS.qpdf, TOOLS.poppler], 'a stamped ai-video-handbook PDF', () => {
  it('passes qpdf --check, shows the licence line on every page and keeps outline and metadata', async () => {
    const stamped = await stampPdf(pdf.bytes, licence, { markKey: MARK_KEY });
    const path = join(dir, 'stamped.pdf');
    writeFileSync(path, stamped);
    const check = spawnSync('qpdf', ['--check', path], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    const pages = execFileSync('pdftotext', ['-enc', 'UTF-8', path, '-'], { encoding: 'utf8' }).split('\f').filter((p) => p.trim());
    expect(pages).toHaveLength(pdf.pages!);
    for (const [i, text] of pages.entries()) expect(text, `page ${i + 1}`).toContain(line);
    const original = join(dir, 'original.pdf');
    writeFileSync(original, pdf.bytes);
    const outline = (file: string) => JSON.parse(execFileSync('qpdf', ['--json', '--json-key=outlines', file], { encoding: 'utf8' })).outlines;
    expect(outline(path)).toEqual(outline(original));
    const info = (file: string) => execFileSync('pdfinfo', [file], { encoding: 'utf8' }).split('\n').filter((l) => /^(Title|Author|Subject|Keywords|Creator|Producer|Pages):/.test(l));
    expect(info(path)).toEqual(info(original));
    expect(await readMarks(stamped, { markKey: MARK_KEY })).toMatchObject({ kind: 'pdf', purchases: [{ purchaseId: licence.orderId, layers: ['metadata', 'text', 'visible'], licenceMark: licence.mark }] });
  });
});

describe('the layout layer of a stamped ai-video-handbook PDF', () => {
  it('is one revision that copies the unchanged objects and keeps none of the unstamped pages', async () => {
    const stamped = await stampPdf(pdf.bytes, licence, { markKey: MARK_KEY });
    const text = strFromU8(stamped, true);
    // One cross-reference section: truncating the file at an earlier %%EOF cannot give back the edition.
    expect(text.match(/startxref/g)).toHaveLength(1);
    expect(text.match(/%%EOF/g)).toHaveLength(1);
    const original = await PDFDocument.load(pdf.bytes);
    const contains = (needle: Uint8Array) => Buffer.from(stamped).indexOf(needle) >= 0;
    let pagesWithText = 0;
    original.getPages().forEach((page, i) => {
      const contents = page.node.Contents()!;
      for (const stream of contents instanceof PDFArray ? contents.asArray().map((ref) => original.context.lookup(ref)) : [contents]) {
        // A page without text (a cover, a blank verso) has no line to move: its drawing is kept as it was.
        if (!/\bBT\b/.test(strFromU8(decodePDFRawStream(stream as PDFRawStream).decode(), true))) continue;
        pagesWithText++;
        expect(contains((stream as PDFRawStream).contents), `page ${i + 1} unstamped`).toBe(false);
      }
    });
    expect(pagesWithText).toBeGreaterThan(20);
    // The structure tree is carried over as the edition wrote it: the object streams without a page in them are copied, not re-encoded.
    const objectStreams = [...strFromU8(pdf.bytes, true).matchAll(/\d+ 0 obj\n<<[^>]*\/Type \/ObjStm[^]*?endstream/g)].map(([object]) => Buffer.from(object, 'latin1'));
    expect(objectStreams.filter(contains).length).toBeGreaterThan(objectStreams.length * 0.6);
    expect(stamped.length).toBeLessThan(pdf.bytes.length * 1.2);
  });

  it('keeps every link of a page whose annotation list is an object of its own', async () => {
    const doc = await PDFDocument.load(pdf.bytes, { updateMetadata: false });
    const links = (d: PDFDocument) => d.getPages().map((page) => page.node.Annots()?.size() ?? 0);
    for (const page of doc.getPages()) {
      const annots = page.node.get(PDFName.of('Annots'));
      if (annots instanceof PDFArray) page.node.set(PDFName.of('Annots'), doc.context.register(annots));
    }
    const edition = await doc.save({ useObjectStreams: true });
    const before = links(await PDFDocument.load(edition));
    expect(before.reduce((a, b) => a + b, 0)).toBeGreaterThan(5);
    expect(links(await PDFDocument.load(await stampPdf(edition, licence, { markKey: MARK_KEY })))).toEqual(before);
  });

  it('moves text lines by at most 0.36 pt and changes nothing else in the pages: operators, marked content and links stay', async () => {
    const [original, stamped] = [await PDFDocument.load(pdf.bytes), await PDFDocument.load(await stampPdf(pdf.bytes, licence, { markKey: MARK_KEY }))];
    /** A page's operators and operands, without the q/Q the stamper wraps around them. */
    const tokens = (doc: PDFDocument, i: number) => {
      const contents = doc.getPages()[i].node.Contents()!;
      const streams = contents instanceof PDFArray ? contents.asArray().map((ref) => doc.context.lookup(ref)) : [contents];
      return streams
        .flatMap((stream) => strFromU8(decodePDFRawStream(stream as PDFRawStream).decode(), true).split(/\s+/))
        .filter((token) => token && token !== 'q' && token !== 'Q');
    };
    let moved = 0;
    for (let i = 0; i < pdf.pages!; i++) {
      const [before, stampedPage] = [tokens(original, i), tokens(stamped, i)];
      // The page's own drawing comes first, then the stamp's marks and licence line, all artifacts.
      const after = stampedPage.slice(0, before.length);
      const stamp = stampedPage.slice(before.length);
      expect(stamp[0], `page ${i + 1}`).toBe('/Artifact');
      expect(stamp.join(' '), `page ${i + 1}`).toMatch(/^\/Artifact .*\/BinderyLicence\S* 6.5 Tf .* Tj ET EMC$/);
      for (let k = 0; k < before.length; k++) {
        if (before[k] === after[k]) continue;
        expect(after[k + 1], `page ${i + 1}, token ${k}`).toBe('Td');
        expect(Math.abs(Number(after[k]) - Number(before[k])), `page ${i + 1}: ${before[k]} → ${after[k]}`).toBeLessThanOrEqual(0.36 + 1e-9);
        moved++;
      }
      const rects = (doc: PDFDocument) => doc.getPages()[i].node.Annots()?.asArray().map((ref) => String(doc.context.lookup(ref, PDFDict).get(PDFName.of('Rect'))));
      expect(rects(stamped), `page ${i + 1} links`).toEqual(rects(original));
    }
    expect(moved).toBeGreaterThan(300);
  });
});

describe("the PDF edition's stamp plan", () => {
  it('gives later buyers the same file as working it out again would, and is made once', async () => {
    let kept: Uint8Array | null = null;
    let writes = 0;
    const plan = { read: async () => kept, write: async (bytes: Uint8Array) => void ((kept = bytes), writes++) };
    const other: Licence = { ...licence, email: 'ana@example.com', orderId: 'pur_ffeeddccbbaa99887766554433221100' };
    const first = await stampPdf(pdf.bytes, licence, { markKey: MARK_KEY, plan });
    const later = await stampPdf(pdf.bytes, other, { markKey: MARK_KEY, plan });
    expect(writes).toBe(1);
    // Buffer.equals: toEqual walks a megabyte byte by byte.
    expect(Buffer.from(first).equals(await stampPdf(pdf.bytes, licence, { markKey: MARK_KEY }))).toBe(true);
    expect(Buffer.from(later).equals(await stampPdf(pdf.bytes, other, { markKey: MARK_KEY }))).toBe(true);
    expect(Buffer.from(later).equals(first)).toBe(false);
  });

  it('is worked out again when the one kept is damaged: a number out of place would break a page of every copy, or stop the stamp', async () => {
    let kept: Uint8Array | null = null;
    const fresh = await stampPdf(pdf.bytes, licence, { markKey: MARK_KEY, plan: { read: async () => null, write: async (bytes: Uint8Array) => void (kept = bytes) } });
    const plan = kept!;
    const jsonLength = new DataView(plan.buffer, plan.byteOffset).getUint32(4);
    const header = JSON.parse(new TextDecoder().decode(plan.subarray(8, 8 + jsonLength)));
    const page = header.pages.findIndex((p: { drawing: unknown }) => p.drawing);
    type PageHeader = { drawing: { bits: number; codes: number[][]; slots: [number, number, number, string][] }; baselines: number[]; marks: (number | null)[] };
    // The same plan with its header changed: one number of its first moved page, or the whole.
    const damaged = (edit: (page: PageHeader) => void) => rewritten((copy) => edit(copy.pages[page]));
    const rewritten = (edit: (header: { version: number; pages: PageHeader[] }) => void) => {
      const copy = structuredClone(header);
      edit(copy);
      const json = new TextEncoder().encode(JSON.stringify(copy));
      const length = new Uint8Array(4);
      new DataView(length.buffer).setUint32(0, json.length);
      return joinBytes([plan.subarray(0, 4), length, json, plan.subarray(8 + jsonLength)]);
    };
    const edition = await sha256Hex(pdf.bytes);
    const markWithoutX = damaged((p) => void (p.marks[0] = null));
    const damages = {
      'a mark without x': markWithoutX,
      "a slot's digit without a code": damaged((p) => void (p.drawing.codes[5][1] = 0)),
      'a slot wider than its bits': damaged((p) => void (p.drawing.slots[0][3] = ` ${p.drawing.slots[0][3]}`)),
      'a slot past the end of the drawing': damaged((p) => void (p.drawing.slots[0][0] = p.drawing.bits + 8)),
      'a coded line numbered 1.5': damaged((p) => void (p.baselines[1] = 1.5)),
      'a moved page without slots': damaged((p) => void ((p.drawing.slots = []), (p.baselines = []))),
    };
    expect(decodePlan(rewritten((copy) => void (copy.version = 0)), edition, pdf.pages!), 'a plan an older deploy kept').toBeNull();
    for (const [name, bytes] of Object.entries(damages)) expect(decodePlan(bytes, edition, pdf.pages!), name).toBeNull();
    let remade: Uint8Array | null = null;
    const stamped = await stampPdf(pdf.bytes, licence, { markKey: MARK_KEY, plan: { read: async () => markWithoutX, write: async (bytes: Uint8Array) => void (remade = bytes) } });
    expect(Buffer.from(stamped).equals(fresh), 'the stamp with a damaged plan kept is the fresh one').toBe(true);
    expect(Buffer.from(remade!).equals(plan)).toBe(true);
  });
});

describeWithTools([TOOLS.poppler], "a copy licensed by the buyer's name (LICENCE_LINE=name)", () => {
  it("prints the payer's name in the book's font, cleaned of formatting characters, with the purchase id; without a name, the purchase id alone", async () => {
    const font = async () => (await loadCliFonts()).regular;
    // A right-to-left override and a zero-width joiner (one of the text layer's marks) must not reach the page.
    const named = { ...licence, name: '王小明\u202e  Ana\u200d Lía' };
    const stamped = await stampPdf(pdf.bytes, named, { markKey: MARK_KEY, line: 'name', font });
    const path = join(dir, 'named.pdf');
    writeFileSync(path, stamped);
    const first = execFileSync('pdftotext', ['-enc', 'UTF-8', '-f', '2', '-l', '2', path, '-'], { encoding: 'utf8' });
    expect(first).toContain(`Licensed to 王小明 Ana Lía · purchase ${licence.orderId}`);
    expect(first).not.toContain(licence.email);
    expect(await readMarks(stamped, { markKey: MARK_KEY })).toMatchObject({ purchases: [{ purchaseId: licence.orderId, layers: ['metadata', 'text', 'visible'] }] });

    const page = (bytes: Uint8Array) => strFromU8(Object.entries(unzipSync(bytes)).find(([name]) => name.endsWith('bindery-licence.xhtml'))![1]);
    expect(page(stampEpub(epub, named, { markKey: MARK_KEY, line: 'name' }))).toContain(`Licensed to 王小明 Ana Lía · purchase ${licence.orderId}`);
    expect(page(stampEpub(epub, { ...licence, name: ' \u200b ' }, { markKey: MARK_KEY, line: 'name' }))).toContain(`Licensed copy · purchase ${licence.orderId}`);
  });
});
