import { PDFHexString, PDFName, type PDFDocument, type PDFRef } from '@cantoo/pdf-lib';
import { joinBytes } from '../bytes.ts';

/**
 * Embeds an opaque PNG without decoding it. A PNG's IDAT data is a zlib
 * stream of filtered scanlines, which PDF reads directly with FlateDecode and
 * the PNG predictor (ISO 32000-1 §7.4.4.4), so the compressed bytes go into
 * the PDF as they are. pdf-lib's `embedPng` instead inflates the image, expands
 * it to RGBA, splits the alpha channel and deflates it again: for the sample
 * book's 14 KB, 1200×1800 cover that is ~95 MB of short-lived buffers.
 *
 * Returns null for what needs decoding (an alpha channel or tRNS
 * transparency, which PDF keeps in a separate soft mask; interlacing; 16-bit
 * samples) or does not parse: those go through `embedPng`.
 */
export function embedOpaquePng(pdf: PDFDocument, bytes: Uint8Array): { ref: PDFRef; width: number; height: number } | null {
  const png = readPng(bytes);
  if (!png) return null;
  const { width, height, bitDepth, colorType, palette, idat } = png;
  const colors = colorType === 2 ? 3 : 1;
  const colorSpace =
    colorType === 3
      ? [PDFName.of('Indexed'), PDFName.of('DeviceRGB'), palette!.length / 3 - 1, PDFHexString.of(hex(palette!))]
      : colorType === 2
        ? 'DeviceRGB'
        : 'DeviceGray';
  const stream = pdf.context.stream(idat, {
    Type: 'XObject',
    Subtype: 'Image',
    Width: width,
    Height: height,
    BitsPerComponent: bitDepth,
    ColorSpace: colorSpace,
    Filter: 'FlateDecode',
    DecodeParms: { Predictor: 15, Colors: colors, BitsPerComponent: bitDepth, Columns: width },
  });
  return { ref: pdf.context.register(stream), width, height };
}

interface OpaquePng {
  width: number;
  height: number;
  bitDepth: number;
  /** 0 grey, 2 RGB, 3 palette. */
  colorType: 0 | 2 | 3;
  palette?: Uint8Array;
  /** The IDAT chunks' data, joined. */
  idat: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function readPng(bytes: Uint8Array): OpaquePng | null {
  if (bytes.length < 33 || SIGNATURE.some((b, i) => bytes[i] !== b)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: Omit<OpaquePng, 'idat' | 'palette'> | null = null;
  let palette: Uint8Array | undefined;
  const idat: Uint8Array[] = [];
  for (let at = 8; at + 12 <= bytes.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
    const data = at + 8;
    if (data + length + 4 > bytes.length) return null;
    if (type === 'IHDR') {
      const colorType = bytes[data + 9];
      const bitDepth = bytes[data + 8];
      const interlaced = bytes[data + 12] !== 0;
      if (interlaced || (colorType !== 0 && colorType !== 2 && colorType !== 3) || bitDepth > 8 || (colorType === 2 && bitDepth !== 8)) return null;
      header = { width: view.getUint32(data), height: view.getUint32(data + 4), bitDepth, colorType };
    } else if (type === 'PLTE') palette = bytes.subarray(data, data + length);
    else if (type === 'tRNS') return null;
    else if (type === 'IDAT') idat.push(bytes.subarray(data, data + length));
    else if (type === 'IEND') break;
    at = data + length + 4;
  }
  if (!header || !idat.length || !(header.width > 0 && header.height > 0)) return null;
  if (header.colorType === 3 && (!palette || palette.length % 3 !== 0 || palette.length === 0)) return null;
  return { ...header, palette, idat: idat.length === 1 ? idat[0] : joinBytes(idat) };
}

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}
