import { coverDesign } from '../cover/design.ts';
import { coverDesignSvg } from '../cover/svg.ts';
import type { Asset, BookMeta } from '../document/model.ts';
import type { Language } from '../language/index.ts';
import { text, XML_DECLARATION } from '../xml.ts';

/**
 * The cover image of a book without one: the generated cover (src/cover) as
 * SVG, so library views show it as the book's cover like any other image.
 */
export function coverSvg(meta: BookMeta, language: Language): string {
  return coverDesignSvg(coverDesign(meta, language));
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
