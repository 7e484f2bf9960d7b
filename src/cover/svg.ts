import { attrs, text, XML_DECLARATION } from '../xml.ts';
import type { CoverDesign } from './design.ts';

/** The cover design as a standalone SVG image: the EPUB's cover image and the storefront's generated cover. */
export function coverDesignSvg(design: CoverDesign): string {
  const { width, height } = design;
  const rects = design.rects
    .map((r) => `<rect${attrs({ x: r.x, y: r.y, width: r.width, height: r.height, fill: r.fill ?? 'none', stroke: r.stroke, 'stroke-width': r.strokeWidth })}/>\n`)
    .join('');
  const lines = design.lines
    .map((l) => `<text${attrs({ x: l.centre, y: l.baseline, 'font-size': l.size, 'font-weight': l.bold ? 'bold' : undefined, fill: l.colour })}>${text(l.text)}</text>\n`)
    .join('');
  return (
    XML_DECLARATION +
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1"${attrs({ 'xml:lang': design.language })} width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">\n` +
    `<title>${text(design.title)}</title>\n` +
    rects +
    `<g font-family="'Noto Serif CJK TC', 'Source Han Serif TC', 'Noto Serif', serif" text-anchor="middle">\n${lines}</g>\n` +
    '</svg>\n'
  );
}
