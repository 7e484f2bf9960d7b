import { zlibSync } from 'fflate';
import type { BookMeta } from '../../document/model.ts';
import { coverSvg } from '../../epub/cover-svg.ts';
import { labelsFor } from '../../epub/labels.ts';

/** The typographic cover the EPUB writer uses for books without a cover image: the same look on the web. */
export function generatedCoverSvg(meta: BookMeta): string {
  return coverSvg(meta, labelsFor(meta.language));
}

const WIDTH = 400;
const HEIGHT = 600;
const GROUND = [0xf4, 0xef, 0xe6];
const INK = [0x8a, 0x3b, 0x2e];

/**
 * A raster stand-in for the typographic cover, for clients that accept only
 * PNG, JPEG or GIF (OPDS 2.0 requires one of them): the same ground, frame and
 * rule, without the lettering — setting text needs a font rasteriser the
 * Worker does not carry. Deterministic, so its ETag is stable.
 */
export function generatedCoverPng(): Uint8Array {
  const stride = 1 + WIDTH * 3;
  const pixels = new Uint8Array(stride * HEIGHT);
  const frame = 20;
  const thickness = 3;
  for (let y = 0; y < HEIGHT; y++) {
    pixels[y * stride] = 0; // filter type: none
    for (let x = 0; x < WIDTH; x++) {
      const onFrame =
        inBand(x, frame, WIDTH - frame, y, frame, frame + thickness) ||
        inBand(x, frame, WIDTH - frame, y, HEIGHT - frame - thickness, HEIGHT - frame) ||
        inBand(x, frame, frame + thickness, y, frame, HEIGHT - frame) ||
        inBand(x, WIDTH - frame - thickness, WIDTH - frame, y, frame, HEIGHT - frame);
      const onRule = inBand(x, 60, WIDTH - 60, y, 230, 233);
      pixels.set(onFrame || onRule ? INK : GROUND, y * stride + 1 + x * 3);
    }
  }
  return encodePng(WIDTH, HEIGHT, pixels);
}

function inBand(x: number, x0: number, x1: number, y: number, y0: number, y1: number): boolean {
  return x >= x0 && x < x1 && y >= y0 && y < y1;
}

/** A minimal PNG: 8-bit RGB, one IDAT, rows already prefixed with their filter byte. */
function encodePng(width: number, height: number, filteredRows: Uint8Array): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type RGB, deflate, adaptive filtering, no interlace
  const chunks = [chunk('IHDR', header), chunk('IDAT', zlibSync(filteredRows, { level: 9 })), chunk('IEND', new Uint8Array(0))];
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  const out = new Uint8Array(signature.length + chunks.reduce((n, c) => n + c.length, 0));
  out.set(signature, 0);
  let offset = signature.length;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
