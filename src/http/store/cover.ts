import { crc32 } from '../../bytes.ts';
import { deflate } from '../../deflate/compress.ts';
import { channels, coverDesign, plainCoverDesign, type CoverRect } from '../../cover/design.ts';
import { coverDesignSvg } from '../../cover/svg.ts';
import type { BookMeta } from '../../document/model.ts';
import { languageOf } from '../../language/index.ts';

/** The generated cover of a book without a cover image, as SVG: the same image the EPUB carries. */
export function generatedCoverSvg(meta: BookMeta): string {
  return coverDesignSvg(coverDesign(meta, languageOf(meta.language)));
}

/** The PNG's width; its height keeps the design's proportions. */
const PNG_WIDTH = 400;

/**
 * A raster stand-in for the generated cover, for clients that accept only
 * PNG, JPEG or GIF (OPDS 2.0 requires one of them): the design's ground,
 * frame and rule at 400 × 600, without the lettering — setting text needs a
 * font rasteriser the Worker does not carry. Deterministic, so its ETag is stable.
 */
export function generatedCoverPng(): Uint8Array {
  const design = plainCoverDesign();
  const scale = PNG_WIDTH / design.width;
  const width = PNG_WIDTH;
  const height = Math.round(design.height * scale);
  const stride = 1 + width * 3;
  const pixels = new Uint8Array(stride * height); // each row starts with filter type 0: none
  for (const rect of design.rects) {
    for (const [x0, y0, x1, y1, colour] of rectBands(rect, scale)) {
      const rgb = channels(colour);
      for (let y = Math.max(0, y0); y < Math.min(height, y1); y++) {
        for (let x = Math.max(0, x0); x < Math.min(width, x1); x++) pixels.set(rgb, y * stride + 1 + x * 3);
      }
    }
  }
  return encodePng(width, height, pixels);
}

/** The pixel bands a rectangle paints at `scale`: its fill, then its four edges as bands the stroke's width, centred on them. */
function rectBands(r: CoverRect, scale: number): [number, number, number, number, string][] {
  const px = (v: number) => Math.round(v * scale);
  const bands: [number, number, number, number, string][] = [];
  if (r.fill) bands.push([px(r.x), px(r.y), px(r.x + r.width), px(r.y + r.height), r.fill]);
  if (r.stroke) {
    const half = (r.strokeWidth ?? 1) / 2;
    const [left, top, right, bottom] = [r.x - half, r.y - half, r.x + r.width + half, r.y + r.height + half];
    const edge = 2 * half;
    bands.push(
      [px(left), px(top), px(right), px(top + edge), r.stroke],
      [px(left), px(bottom - edge), px(right), px(bottom), r.stroke],
      [px(left), px(top), px(left + edge), px(bottom), r.stroke],
      [px(right - edge), px(top), px(right), px(bottom), r.stroke],
    );
  }
  return bands;
}

/** A minimal PNG: 8-bit RGB, one IDAT, rows already prefixed with their filter byte. */
export function encodePng(width: number, height: number, filteredRows: Uint8Array): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type RGB, deflate, adaptive filtering, no interlace
  const chunks = [chunk('IHDR', header), chunk('IDAT', deflate(filteredRows)), chunk('IEND', new Uint8Array(0))];
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
