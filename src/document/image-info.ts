import { endOfMatch } from '../scan.ts';
import type { ImageMediaType } from './model.ts';

export interface ImageInfo {
  mediaType: ImageMediaType;
  width?: number;
  height?: number;
}

/** Detects an image's type from its bytes (never from its name) and reads its pixel size. Null when it is not a supported image. */
export function sniffImage(bytes: Uint8Array): ImageInfo | null {
  const b = bytes;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length > 24 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) {
    return { mediaType: 'image/png', width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (b.length > 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) {
    return { mediaType: 'image/jpeg', ...jpegSize(b, view) };
  }
  if (b.length > 10 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38) {
    return { mediaType: 'image/gif', width: view.getUint16(6, true), height: view.getUint16(8, true) };
  }
  if (b.length > 30 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') {
    return { mediaType: 'image/webp', ...webpSize(b, view) };
  }
  const root = svgRootTag(new TextDecoder().decode(b.subarray(0, SVG_HEAD_BYTES)));
  if (root) return { mediaType: 'image/svg+xml', ...svgSize(root) };
  return null;
}

/** How far into a file its root `<svg>` tag is looked for: past a long licence comment or an editor's DOCTYPE. */
const SVG_HEAD_BYTES = 64 * 1024;
const SPACE = /\s*/y;
const DOCTYPE_SVG = /<!DOCTYPE\s+svg(?=[\s>[])/iy;
const SVG_TAG = /<svg(?=[\s/>])[^>]*>/iy;

/**
 * The root `<svg …>` tag of an SVG document, or null when the text is not
 * one. Before it may come an XML declaration, comments, processing
 * instructions and a DOCTYPE, internal subset included: Adobe Illustrator
 * declares its entities there (`<!DOCTYPE svg PUBLIC … [<!ENTITY ns_extend …>]>`),
 * whose `>` ended the DOCTYPE early for a regular expression.
 */
function svgRootTag(text: string): string | null {
  let at = 0;
  for (;;) {
    at = endOfMatch(SPACE, text, at);
    let end = -1;
    if (text.startsWith('<?', at)) end = after(text, '?>', at + 2);
    else if (text.startsWith('<!--', at)) end = after(text, '-->', at + 4);
    else if (endOfMatch(DOCTYPE_SVG, text, at) !== -1) {
      const close = text.indexOf('>', at);
      const subset = text.indexOf('[', at);
      end = subset !== -1 && (close === -1 || subset < close) ? after(text, '>', after(text, ']', subset + 1)) : after(text, '>', at);
    } else {
      const tagEnd = endOfMatch(SVG_TAG, text, at);
      return tagEnd === -1 ? null : text.slice(at, tagEnd);
    }
    if (end === -1) return null;
    at = end;
  }
}

/** Where `token` ends, searching from `from`; -1 when it does not occur (or `from` is -1). */
function after(text: string, token: string, from: number): number {
  if (from === -1) return -1;
  const found = text.indexOf(token, from);
  return found === -1 ? -1 : found + token.length;
}

function ascii(b: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...b.subarray(start, start + length));
}

function jpegSize(b: Uint8Array, view: DataView): { width?: number; height?: number } {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return {};
    const marker = b[i + 1];
    const length = view.getUint16(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: view.getUint16(i + 5), width: view.getUint16(i + 7) };
    }
    i += 2 + length;
  }
  return {};
}

function webpSize(b: Uint8Array, view: DataView): { width?: number; height?: number } {
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8X') return { width: 1 + (b[24] | (b[25] << 8) | (b[26] << 16)), height: 1 + (b[27] | (b[28] << 8) | (b[29] << 16)) };
  if (chunk === 'VP8 ') return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
  if (chunk === 'VP8L') {
    const bits = view.getUint32(21, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  return {};
}

function svgSize(tag: string): { width?: number; height?: number } {
  const num = (name: string) => {
    const m = new RegExp(`\\s${name}\\s*=\\s*["']\\s*([\\d.]+)(px)?\\s*["']`, 'i').exec(tag);
    return m ? Number(m[1]) : undefined;
  };
  const viewBox = /viewBox\s*=\s*["']\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(tag);
  const width = num('width') ?? (viewBox ? Number(viewBox[1]) : undefined);
  const height = num('height') ?? (viewBox ? Number(viewBox[2]) : undefined);
  return { width, height };
}
