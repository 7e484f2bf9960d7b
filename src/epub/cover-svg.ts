import type { Asset, BookMeta } from '../document/model.ts';
import type { Labels } from './labels.ts';
import { attrs, text, XML_DECLARATION } from '../xml.ts';

const WIDTH = 600;
const HEIGHT = 900;
const MARGIN = 60;

/** Characters set one full em wide: CJK ideographs, kana, hangul, full-width forms. */
const WIDE = /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]|[\uD840-\uD8BF][\uDC00-\uDFFF]/;
// Regexps holding CJK are built from strings: bundlers escape strings to ASCII but leave regex literals as
// written, and one non-Latin-1 character makes V8 hold the whole Worker script at two bytes per character.
/** Punctuation that must not start a line (kinsoku): it stays with the character before it. */
const NO_LINE_START = new RegExp('^[、。，．・：；？！）」』】〕〉》〗〙〛’”…‥ー々,.;:!?)\\]}%]');
/** A Latin word (kept whole), a run of spaces, or any single other character. */
const WORD = new RegExp("[A-Za-z0-9\\u00C0-\\u024F'’.-]+|\\s+|[\\s\\S]", 'gu');

/**
 * A typographic cover for books without a cover image: title, subtitle and
 * authors set on a plain ground. An SVG image rather than a page of text so
 * library views show it as the book's cover like any other.
 */
export function coverSvg(meta: BookMeta, labels: Labels): string {
  const width = WIDTH - 2 * MARGIN;
  const title = setLines(meta.title, 52, width, 200, 1.3);
  const subtitleTop = title.bottom + 40;
  const subtitle = meta.subtitle ? setLines(meta.subtitle, 26, width, subtitleTop, 1.5) : { svg: '', bottom: subtitleTop };
  const authors = setLines(meta.authors.join(labels.separator), 26, width, HEIGHT - 150, 1.5);
  const publisher = meta.publisher ? setLines(meta.publisher, 20, width, HEIGHT - 70, 1.4).svg : '';
  return (
    XML_DECLARATION +
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1"${attrs({ 'xml:lang': meta.language })} width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">\n` +
    `<title>${text(meta.title)}</title>\n` +
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#f4efe6"/>\n` +
    `<rect x="${MARGIN / 2}" y="${MARGIN / 2}" width="${WIDTH - MARGIN}" height="${HEIGHT - MARGIN}" fill="none" stroke="#8a3b2e" stroke-width="3"/>\n` +
    `<rect x="${MARGIN}" y="${title.bottom + 10}" width="${width}" height="4" fill="#8a3b2e"/>\n` +
    `<g font-family="'Noto Serif CJK TC', 'Source Han Serif TC', 'Noto Serif', serif" fill="#2b2118" text-anchor="middle">\n` +
    `<g font-size="52" font-weight="bold">\n${title.svg}</g>\n` +
    (subtitle.svg ? `<g font-size="26" fill="#4a3b2e">\n${subtitle.svg}</g>\n` : '') +
    `<g font-size="26">\n${authors.svg}</g>\n` +
    (publisher ? `<g font-size="20" fill="#6b5a4a">\n${publisher}</g>\n` : '') +
    '</g>\n</svg>\n'
  );
}

/** Breaks `value` into centred lines no wider than `width` at `size`, the first baseline at `top`. */
function setLines(value: string, size: number, width: number, top: number, leading: number): { svg: string; bottom: number } {
  const lines = breakLines(value, width / size);
  const svg = lines.map((line, i) => `<text x="${WIDTH / 2}" y="${Math.round(top + i * size * leading)}">${text(line)}</text>\n`).join('');
  return { svg, bottom: Math.round(top + (lines.length - 1) * size * leading + size * 0.3) };
}

/** Greedy line breaking by estimated width in ems: Latin words stay whole, CJK breaks between characters. */
export function breakLines(value: string, maxEms: number): string[] {
  const tokens = value.match(WORD) ?? [];
  const lines: string[] = [];
  let line = '';
  let ems = 0;
  for (const token of tokens) {
    const w = emWidth(token);
    const breakable = line.trim() !== '' && !NO_LINE_START.test(token);
    if (ems + w > maxEms && breakable) {
      lines.push(line.trim());
      line = '';
      ems = 0;
      if (/^\s+$/.test(token)) continue;
    }
    line += token;
    ems += w;
  }
  if (line.trim()) lines.push(line.trim());
  return lines;
}

function emWidth(s: string): number {
  let ems = 0;
  for (const ch of s) ems += WIDE.test(ch) ? 1 : 0.55;
  return ems;
}

/**
 * The stand-in for an image in a format EPUB 3.2 reading systems need not
 * support (WebP): a frame of the image's size naming the file. Readers that
 * do support the format show the image itself.
 */
export function fallbackSvg(asset: Asset): string {
  const width = asset.width ?? 400;
  const height = asset.height ?? 300;
  const name = asset.path.slice(asset.path.lastIndexOf('/') + 1);
  const size = Math.max(8, Math.min(24, Math.round(width / Math.max(name.length, 1) * 1.6)));
  return (
    XML_DECLARATION +
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">\n` +
    `<title>${text(name)}</title>\n` +
    `<rect x="1" y="1" width="${width - 2}" height="${height - 2}" fill="none" stroke="#999" stroke-width="2"/>\n` +
    `<text x="${width / 2}" y="${height / 2}" font-family="sans-serif" font-size="${size}" fill="#666" text-anchor="middle">${text(name)}</text>\n` +
    '</svg>\n'
  );
}
