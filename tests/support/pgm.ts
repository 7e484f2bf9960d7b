import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A greyscale page rendered by `pdftoppm -gray` (binary PGM). */
export interface Gray {
  width: number;
  height: number;
  pixels: Uint8Array;
}

export function readPgm(path: string): Gray {
  const data = readFileSync(path);
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(data.subarray(0, 64).toString('latin1'))!;
  return { width: Number(header[1]), height: Number(header[2]), pixels: new Uint8Array(data.subarray(header[0].length)) };
}

/** The dark pixels of a box of the page, row by row, as a string of 0 and 1: a glyph's shape, to tell glyphs apart. */
export function inkOf(image: Gray, [x0, y0, x1, y1]: readonly number[]): string {
  let bits = '';
  for (let y = Math.floor(y0); y < Math.ceil(y1); y++) for (let x = Math.floor(x0); x < Math.ceil(x1); x++) bits += image.pixels[y * image.width + x] < 128 ? '1' : '0';
  return bits;
}

/**
 * One page of a PDF rendered in grey at `dpi` (pdftoppm) with each word's box
 * in the image's pixels (pdftotext -bbox), to look at the glyphs a word is drawn with.
 */
export function renderedWords(pdf: string, page: number, dir: string, dpi: number): { image: Gray; boxes: Map<string, number[]> } {
  const bbox = execFileSync('pdftotext', ['-bbox', '-f', String(page), '-l', String(page), pdf, '-'], { encoding: 'utf8' });
  const scale = dpi / 72;
  const boxes = new Map([...bbox.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)<\/word>/g)].map((w) => [w[5], w.slice(1, 5).map((v) => Number(v) * scale)]));
  const prefix = join(dir, `page-${page}-${dpi}`);
  execFileSync('pdftoppm', ['-gray', '-r', String(dpi), '-f', String(page), '-l', String(page), '-singlefile', pdf, prefix]);
  return { image: readPgm(`${prefix}.pgm`), boxes };
}
