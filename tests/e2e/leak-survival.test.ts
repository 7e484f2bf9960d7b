import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument, PDFName } from '@cantoo/pdf-lib';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { beforeAll, expect, it } from 'vitest';
import { loadCliFonts } from '../../src/cli/fonts.ts';
import { DirectorySource } from '../../src/cli/directory-source.ts';
import { readMarks } from '../../src/formats/read-stamp.ts';
import type { Licence } from '../../src/licence.ts';
import { buildBook } from '../../src/pipeline/build.ts';
import { stampEpub } from '../../src/stamp/epub.ts';
import { LAYERS, type Layer } from '../../src/licence.ts';
import { stampPdf } from '../../src/stamp/pdf.ts';
import { MARK_ALPHABET } from '../../src/stamp/text-mark.ts';
import { cutStampDrawing } from '../support/strip-stamp.ts';
import { describeWithTools, TOOLS, type Tool } from '../support/tools.ts';
import { MARK_KEY } from '../support/mark-key.ts';

/**
 * The survival matrix of issue 13: a real sample book, stamped for two
 * buyers, put through what a leaker does to a file; each row says which
 * layers still lead back to the purchase. Every tool runs once, the slow ones
 * (calibre) in parallel.
 */
const GHOSTSCRIPT: Tool = { name: 'Ghostscript', pkg: 'ghostscript', command: 'gs', args: ['--version'] };
const CALIBRE: Tool = { name: 'calibre', pkg: 'calibre', command: 'ebook-convert', args: ['--version'] };

const ana: Licence = { email: 'josé@exämple.com', orderId: 'pur_0b8a3c4e5f604a7b8c9d0e1f2a3b4c5d', mark: '0b8a3c4e-5f60-4a7b-8c9d-0e1f2a3b4c5d' };
const ben: Licence = { email: '用户@例子.广告', orderId: 'pur_9f8e7d6c5b4a39281706f5e4d3c2b1a0', mark: '9f8e7d6c-5b4a-4928-9706-f5e4d3c2b1a0' };
const dir = mkdtempSync(join(tmpdir(), 'bindery-leak-'));
const run = promisify(execFile);
// calibre's Qt WebEngine refuses to start as root without it.
const toolEnv = { ...process.env, QTWEBENGINE_CHROMIUM_FLAGS: '--no-sandbox' };
const tool = (command: string, args: string[]) => run(command, args, { env: toolEnv, timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
const file = (name: string, bytes?: Uint8Array) => {
  const path = join(dir, name);
  if (bytes) writeFileSync(path, bytes);
  return path;
};

interface Row {
  transformation: string;
  /** Purchases found, with the layers that carried each. */
  found: Map<string, Layer[]>;
  /** Layers that must be among them. */
  expected: Layer[];
}
const rows: Row[] = [];
let book: { epub: Uint8Array; pdf: Uint8Array };

beforeAll(async () => {
  const { files } = await buildBook(new DirectorySource('books/ai-video-handbook'), { formats: ['epub', 'pdf'], fonts: loadCliFonts });
  book = { epub: files.find((f) => f.format === 'epub')!.bytes, pdf: files.find((f) => f.format === 'pdf')!.bytes };
}, 300_000);

/** The unstamped edition, as verify finds it in R2: what the layout layer is read against. */
async function* edition(): AsyncIterable<Uint8Array> {
  yield book.pdf;
}

async function found(bytes: Uint8Array, options: { isText?: boolean } = {}): Promise<Map<string, Layer[]>> {
  const marks = await readMarks(bytes, { markKey: MARK_KEY, ...options, editions: edition });
  return new Map(marks.purchases.map((p) => [p.purchaseId, p.layers]));
}

/** `length` visible characters of `text` from its `start`th, with the invisible ones between them: what a reader selects and copies. */
function excerpt(text: string, start: number, length = 300): string {
  const invisible = new Set<string>(MARK_ALPHABET);
  const chars = [...text];
  const at: number[] = [];
  chars.forEach((ch, i) => invisible.has(ch) || at.push(i));
  return chars.slice(at[start], at[Math.min(start + length, at.length - 1)]).join('');
}

function withoutPdfMetadata(bytes: Uint8Array): Promise<Uint8Array> {
  return PDFDocument.load(bytes, { updateMetadata: false }).then((doc) => {
    doc.context.trailerInfo.Info = doc.context.register(doc.context.obj({}));
    doc.catalog.delete(PDFName.of('Metadata'));
    return doc.save();
  });
}

/**
 * What a leaker who found every other layer does: metadata out, and what the
 * stamper drew on each page (the invisible text layer and the licence line,
 * marked content in its own fonts) cut out of the page's content. Only the
 * line positions are left.
 */
async function withOnlyTheDrawing(bytes: Uint8Array): Promise<Uint8Array> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  doc.context.trailerInfo.Info = doc.context.register(doc.context.obj({}));
  doc.catalog.delete(PDFName.of('Metadata'));
  expect(cutStampDrawing(doc)).toBe(doc.getPageCount());
  return doc.save();
}

/** What a leaker does to an EPUB's package by hand: Bindery's metadata and the licence page out, zipped again. */
function withoutEpubMetadata(bytes: Uint8Array): Uint8Array {
  const files = unzipSync(bytes);
  const opfPath = Object.keys(files).find((name) => name.endsWith('.opf'))!;
  files[opfPath] = strToU8(
    strFromU8(files[opfPath])
      .replace(/<meta property="bindery:[^>]*>[^<]*<\/meta>\n?/g, '')
      .replace(/<item id="bindery-licence"[^>]*\/>\n?/, '')
      .replace(/<itemref idref="bindery-licence"\/>\n?/, ''),
  );
  for (const name of Object.keys(files)) if (name.endsWith('bindery-licence.xhtml')) delete files[name];
  return zipSync(files);
}

const chapterText = (epub: Uint8Array, chapter: string) => {
  const [, data] = Object.entries(unzipSync(epub)).find(([name]) => name.endsWith(chapter))!;
  return strFromU8(data)
    .split('<body')[1]
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
};

describeWithTools([TOOLS.qpdf, TOOLS.poppler, GHOSTSCRIPT, CALIBRE], 'leak tracing on a stamped ai-video-handbook', () => {
  it('leads every transformed copy back to its own purchase, and an unstamped edition to none', async () => {
    const fonts = await loadCliFonts();
    const font = async () => fonts.regular;
    const pdfAna = file('ana.pdf', await stampPdf(book.pdf, ana, { markKey: MARK_KEY, font }));
    const pdfBen = await stampPdf(book.pdf, ben, { markKey: MARK_KEY, font });
    const epubAna = file('ana.epub', stampEpub(book.epub, ana, { markKey: MARK_KEY }));
    const epubBen = stampEpub(book.epub, ben, { markKey: MARK_KEY });
    const drawingAna = file('ana-drawing.pdf', await withOnlyTheDrawing(readFileSync(pdfAna)));

    // The slow conversions start together; each tool runs once.
    const conversions = Promise.all([
      tool('qpdf', ['--empty', '--pages', pdfAna, '1-z', '--', file('qpdf-all.pdf')]),
      tool('qpdf', [pdfAna, '--pages', pdfAna, '3-7', '--', file('qpdf-3-7.pdf')]),
      tool('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-sDEVICE=pdfwrite', `-sOutputFile=${file('gs.pdf')}`, pdfAna]),
      tool('pdftocairo', ['-pdf', pdfAna, file('cairo.pdf')]),
      tool('pdftocairo', ['-pdf', drawingAna, file('drawing-cairo.pdf')]),
      tool('pdftotext', ['-enc', 'UTF-8', '-f', '7', '-l', '7', pdfAna, file('page-7.txt')]),
      tool('ebook-convert', [epubAna, file('calibre.epub')]),
      tool('ebook-convert', [epubAna, file('calibre.azw3')]).then(() => tool('ebook-convert', [file('calibre.azw3'), file('azw3.epub')])),
    ]);

    const record = async (transformation: string, bytes: Uint8Array | Promise<Uint8Array>, expected: Layer[], options: { isText?: boolean } = {}) =>
      rows.push({ transformation, found: await found(await bytes, options), expected });
    await record('PDF as sold', readFileSync(pdfAna), ['metadata', 'text', 'layout', 'visible']);
    await record('PDF, Info and XMP removed', withoutPdfMetadata(readFileSync(pdfAna)), ['text', 'layout', 'visible']);
    await record('EPUB as sold', readFileSync(epubAna), ['metadata', 'text', 'visible']);
    await record('EPUB, OPF metadata and licence page removed, re-zipped', withoutEpubMetadata(readFileSync(epubAna)), ['text']);
    await record('300 characters of an EPUB chapter', strToU8(excerpt(chapterText(readFileSync(epubAna), 'ch02.xhtml'), 150)), ['text'], { isText: true });
    await conversions;
    await record('qpdf --empty --pages in.pdf 1-z', readFileSync(file('qpdf-all.pdf')), ['text', 'layout', 'visible']);
    await record('qpdf --pages in.pdf 3-7', readFileSync(file('qpdf-3-7.pdf')), ['text', 'layout', 'visible']);
    await record('Ghostscript pdfwrite', readFileSync(file('gs.pdf')), ['text', 'layout']);
    await record('pdftocairo -pdf', readFileSync(file('cairo.pdf')), ['text', 'layout']);
    await record('300 characters of pdftotext, body page 7', strToU8(excerpt(readFileSync(file('page-7.txt'), 'utf8'), 150)), ['text'], { isText: true });
    await record('PDF, text layer, licence line and metadata removed', readFileSync(drawingAna), ['layout']);
    await record('the same, then pdftocairo -pdf', readFileSync(file('drawing-cairo.pdf')), ['layout']);
    await record('calibre EPUB → EPUB', readFileSync(file('calibre.epub')), ['text']);
    await record('calibre EPUB → AZW3 → EPUB', readFileSync(file('azw3.epub')), ['text']);

    const table = [
      `| transformation | ${LAYERS.join(' | ')} |`,
      `|---|${LAYERS.map(() => '---').join('|')}|`,
      ...rows.map(({ transformation, found }) => `| ${transformation} | ${LAYERS.map((layer) => (found.get(ana.orderId)?.includes(layer) ? 'found' : '–')).join(' | ')} |`),
    ].join('\n');
    console.log(`Leak survival matrix (buyer ${ana.orderId}):\n${table}`);

    for (const { transformation, found, expected } of rows) {
      expect([...found.keys()], transformation).toEqual([ana.orderId]);
      expect(found.get(ana.orderId), transformation).toEqual(expect.arrayContaining(expected));
    }
    // With the stamp stream gone, nothing but the line positions leads back to the purchase.
    for (const row of rows.slice(-4, -2)) expect(row.found.get(ana.orderId), row.transformation).toEqual(['layout']);
    expect(await found(pdfBen)).toEqual(new Map([[ben.orderId, ['metadata', 'text', 'layout', 'visible']]]));
    expect(await found(await withOnlyTheDrawing(pdfBen))).toEqual(new Map([[ben.orderId, ['layout']]]));
    expect(await found(epubBen)).toEqual(new Map([[ben.orderId, ['metadata', 'text', 'visible']]]));
    expect(await found(book.pdf)).toEqual(new Map());
    expect(await found(book.epub)).toEqual(new Map());
  }, 600_000);
});
