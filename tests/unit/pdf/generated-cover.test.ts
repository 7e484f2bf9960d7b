import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodePDFRawStream, PDFArray, PDFDocument, PDFName, PDFRawStream } from '@cantoo/pdf-lib';
import { strFromU8, unzipSync, unzlibSync } from 'fflate';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { joinBytes } from '../../../src/bytes.ts';
import { loadCliFonts } from '../../../src/cli/fonts.ts';
import { channels, COVER_COLOURS, coverDesign, type CoverDesign } from '../../../src/cover/design.ts';
import type { BookDocument } from '../../../src/document/model.ts';
import { epubWriter } from '../../../src/epub/writer.ts';
import { generatedCoverPng, generatedCoverSvg } from '../../../src/http/store/cover.ts';
import { languageOf } from '../../../src/language/index.ts';
import { pdfWriter } from '../../../src/pdf/writer.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';
import { bookIn } from '../language/book-in.ts';

const dir = mkdtempSync(join(tmpdir(), 'bindery-cover-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const noFonts = async () => {
  throw new Error('an EPUB build must not load fonts');
};

/** The colours every rendering must show: ground, frame and rule, lettering. */
const SHARED_COLOURS = [COVER_COLOURS.ground, COVER_COLOURS.frame, COVER_COLOURS.title];

describeWithTools([TOOLS.poppler], 'one generated cover in EPUB, PDF and the storefront', () => {
  let doc: BookDocument;
  let design: CoverDesign;
  let epubSvg: string;
  let pdfFile: string;
  let pdfContent: string;

  beforeAll(async () => {
    // The title breaks inside 「」, so the lines only match if every renderer uses the same breaks.
    doc = await bookIn('zh-Hant', '邊界測試之書：「排版」與『安全』的陷阱集');
    design = coverDesign(doc.meta, languageOf(doc.meta.language));
    const epub = unzipSync(joinBytes((await epubWriter.render(doc, { fonts: noFonts, warn: () => {} })).chunks));
    epubSvg = strFromU8(Object.entries(epub).find(([path]) => path.endsWith('images/cover.svg'))![1]);
    const pdf = await pdfWriter.render(doc, { fonts: loadCliFonts, warn: () => {} });
    pdfFile = join(dir, 'cover.pdf');
    const pdfBytes = joinBytes(pdf.chunks);
    writeFileSync(pdfFile, pdfBytes);
    pdfContent = await firstPageContent(pdfBytes);
  });

  it('breaks the title by the shared kinsoku rules: no line starts with closing or ends with opening punctuation', () => {
    const title = design.lines.filter((l) => l.bold).map((l) => l.text);
    expect(title.length).toBeGreaterThan(1);
    expect(title.join('')).toBe(doc.meta.title);
    for (const line of title.slice(1)) expect('」』）：、，。').not.toContain(line[0]);
    for (const line of title.slice(0, -1)) expect('「『（').not.toContain(line[line.length - 1]);
  });

  it('serves the storefront the very SVG the EPUB carries', () => {
    expect(generatedCoverSvg(doc.meta)).toBe(epubSvg);
  });

  it('sets the same title lines, subtitle and authors in the SVG and the PDF', () => {
    const pdfText = execFileSync('pdftotext', ['-f', '1', '-l', '1', '-enc', 'UTF-8', pdfFile, '-'], { encoding: 'utf8' });
    const pdfLines = pdfText.split('\n').map((l) => l.trim()).filter(Boolean);
    for (const line of design.lines) {
      expect(epubSvg).toContain(`>${line.text}</text>`);
      expect(pdfLines).toContain(line.text);
    }
    expect(design.lines.map((l) => l.text)).toContain('王小明、陳大文');
  });

  it('uses the same colours in the SVG, the PDF and the PNG', () => {
    const png = decodePng(generatedCoverPng());
    const pngColours = new Set<string>();
    for (let i = 0; i < png.pixels.length; i += 3) pngColours.add(hex([png.pixels[i], png.pixels[i + 1], png.pixels[i + 2]]));
    const pdfColours = [...pdfContent.matchAll(/([\d.]+) ([\d.]+) ([\d.]+) (?:rg|RG)/g)].map((m) => [m[1], m[2], m[3]].map((v) => Number(v) * 255));
    for (const colour of SHARED_COLOURS) {
      expect(epubSvg).toContain(`"${colour}"`);
      expect(pdfColours.some((rgb) => rgb.every((v, i) => Math.abs(v - channels(colour)[i]) <= 1.5)), colour).toBe(true);
    }
    // The PNG has no lettering: its ground and frame only.
    expect([...pngColours].sort()).toEqual([COVER_COLOURS.ground, COVER_COLOURS.frame].sort());
  });

  it('keeps the proportions: a 2:3 sheet, its frame 540 × 840 in every rendering', () => {
    expect(epubSvg).toContain('viewBox="0 0 600 900"');
    expect(epubSvg).toMatch(/<rect x="30" y="30" width="540" height="840" fill="none" stroke="#8a3b2e"/);

    const png = decodePng(generatedCoverPng());
    expect(png.width / png.height).toBeCloseTo(2 / 3, 3);
    const frameColumns = [...Array(png.width).keys()].filter((x) => pixel(png, x, png.height / 2) === COVER_COLOURS.frame);
    const frameRows = [...Array(png.height).keys()].filter((y) => pixel(png, png.width / 4, y) === COVER_COLOURS.frame);
    const frameWidth = frameColumns[frameColumns.length - 1] - frameColumns[0];
    const frameHeight = frameRows[frameRows.length - 1] - frameRows[0];
    expect(frameWidth / frameHeight).toBeCloseTo(543 / 843, 1);

    const [, , w, h] = pdfContent.match(/([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) re S/)!.slice(1).map(Number);
    expect(w / h).toBeCloseTo(540 / 840, 2);
  });
});

function hex(rgb: readonly number[]): string {
  return `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

async function firstPageContent(bytes: Uint8Array): Promise<string> {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  const contents = pdf.getPage(0).node.get(PDFName.of('Contents'));
  const refs = contents instanceof PDFArray ? contents.asArray() : [contents];
  return refs
    .map((ref) => pdf.context.lookup(ref))
    .map((stream) => (stream instanceof PDFRawStream ? new TextDecoder('latin1').decode(decodePDFRawStream(stream).decode()) : ''))
    .join('\n');
}

/** The generated PNG: 8-bit RGB, one IDAT, filter type 0 on every row (as generatedCoverPng writes it). */
function decodePng(bytes: Uint8Array): { width: number; height: number; pixels: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  let offset = 8;
  let idat: Uint8Array = new Uint8Array(0);
  while (offset < bytes.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    if (type === 'IDAT') idat = bytes.subarray(offset + 8, offset + 8 + length);
    offset += 12 + length;
  }
  const rows = unzlibSync(idat);
  const pixels = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    expect(rows[y * (1 + width * 3)]).toBe(0);
    pixels.set(rows.subarray(y * (1 + width * 3) + 1, (y + 1) * (1 + width * 3)), y * width * 3);
  }
  return { width, height, pixels };
}

function pixel(png: { width: number; pixels: Uint8Array }, x: number, y: number): string {
  const i = (Math.floor(y) * png.width + Math.floor(x)) * 3;
  return hex([png.pixels[i], png.pixels[i + 1], png.pixels[i + 2]]);
}
