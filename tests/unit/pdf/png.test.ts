import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, PDFName, PDFRawStream, type PDFRef } from '@cantoo/pdf-lib';
import { zlibSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { PageCanvas } from '../../../src/pdf/draw.ts';
import { embedOpaquePng } from '../../../src/pdf/png.ts';
import { StructureTree } from '../../../src/pdf/structure.ts';
import { StreamedPdf } from '../../../src/pdf/streamed-file.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function chunk(type: string, data: Uint8Array): number[] {
  const body = [...type].map((c) => c.charCodeAt(0)).concat([...data]);
  let crc = 0xffffffff;
  for (const b of body) crc = CRC_TABLE[(crc ^ b) & 0xff] ^ (crc >>> 8);
  const be = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  return [...be(data.length), ...body, ...be((crc ^ 0xffffffff) >>> 0)];
}

/** A PNG whose IDAT data is split into `pieces` chunks: each row is filter byte 0 and the row's samples. */
function png(width: number, colorType: number, rows: number[][], extra: Record<string, number[]> = {}, pieces = 1): { bytes: Uint8Array; idat: Uint8Array } {
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, rows.length);
  ihdr.set([8, colorType, 0, 0, 0], 8);
  const idat = zlibSync(new Uint8Array(rows.flatMap((r) => [0, ...r])));
  const step = Math.ceil(idat.length / pieces);
  const idats = Array.from({ length: pieces }, (_, i) => chunk('IDAT', idat.subarray(i * step, (i + 1) * step)));
  const chunks = [...chunk('IHDR', ihdr), ...Object.entries(extra).flatMap(([type, data]) => chunk(type, new Uint8Array(data))), ...idats.flat(), ...chunk('IEND', new Uint8Array())];
  return { bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...chunks]), idat };
}

const RED = [255, 0, 0];
const BLUE = [0, 0, 255];
/** 2×2 RGB: red, blue / blue, red. */
const rgb = () => png(2, 2, [[...RED, ...BLUE], [...BLUE, ...RED]]);

describe('embedOpaquePng', () => {
  it('puts an opaque PNG’s compressed data into the PDF unchanged, read through the PNG predictor', async () => {
    const pdf = await PDFDocument.create();
    const { bytes, idat } = rgb();
    const image = embedOpaquePng(pdf, bytes)!;
    expect(image).toMatchObject({ width: 2, height: 2 });
    const stream = pdf.context.lookup(image.ref) as PDFRawStream;
    expect(stream).toBeInstanceOf(PDFRawStream);
    expect([...stream.getContents()]).toEqual([...idat]);
    expect(stream.dict.get(PDFName.of('DecodeParms'))?.toString()).toMatch(/\/Predictor 15[\s\S]*\/Colors 3/);
  });

  it('leaves images with transparency or interlacing to the decoding embedder', async () => {
    const pdf = await PDFDocument.create();
    expect(embedOpaquePng(pdf, png(1, 6, [[255, 0, 0, 128]]).bytes)).toBeNull();
    expect(embedOpaquePng(pdf, png(1, 2, [RED], { tRNS: [0, 255, 0, 0, 0, 0] }).bytes)).toBeNull();
    const interlaced = png(1, 2, [RED]).bytes;
    interlaced[8 + 8 + 12] = 1;
    expect(embedOpaquePng(pdf, interlaced)).toBeNull();
    expect(embedOpaquePng(pdf, new TextEncoder().encode('not a png at all, just some text here'))).toBeNull();
  });
});

describeWithTools([TOOLS.poppler], 'opaque PNGs rendered by poppler', () => {
  const work = mkdtempSync(join(tmpdir(), 'bindery-png-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** Draws the image over a 20×20 pt page, renders it at 72 dpi and returns the RGB pixel at the centre of each quarter. */
  async function render(name: string, bytes: Uint8Array): Promise<number[][]> {
    const pdf = await PDFDocument.create();
    const page = pdf.addPage([20, 20]);
    const file = new StreamedPdf(pdf.context);
    const canvas = new PageCanvas(page, 0, new StructureTree(pdf, file));
    const ref: PDFRef = embedOpaquePng(pdf, bytes)!.ref;
    canvas.image(ref, 0, 0, 20, 20);
    canvas.finish(pdf, file.deflate);
    const path = join(work, `${name}.pdf`);
    writeFileSync(path, await pdf.save());
    const ppm = execFileSync('pdftoppm', ['-r', '72', '-singlefile', path], { maxBuffer: 1 << 20 });
    const pixels = ppm.subarray(ppm.length - 20 * 20 * 3);
    return [
      [5, 5],
      [15, 5],
      [5, 15],
      [15, 15],
    ].map(([x, y]) => [...pixels.subarray((y * 20 + x) * 3, (y * 20 + x) * 3 + 3)]);
  }

  it('draws RGB pixels where the PNG has them', async () => {
    expect(await render('rgb', rgb().bytes)).toEqual([RED, BLUE, BLUE, RED]);
  });

  it('joins image data split over several IDAT chunks', async () => {
    expect(await render('split', png(2, 2, [[...RED, ...BLUE], [...BLUE, ...RED]], {}, 3).bytes)).toEqual([RED, BLUE, BLUE, RED]);
  });

  it('draws palette images in their palette colours', async () => {
    const indexed = png(2, 3, [[0, 1], [1, 0]], { PLTE: [...RED, ...BLUE] });
    expect(await render('palette', indexed.bytes)).toEqual([RED, BLUE, BLUE, RED]);
  });

  it('draws grey images in grey', async () => {
    expect(await render('grey', png(2, 0, [[0, 255], [255, 0]]).bytes)).toEqual([[0, 0, 0], [255, 255, 255], [255, 255, 255], [0, 0, 0]]);
  });
});
