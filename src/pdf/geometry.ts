import type { BookMeta } from '../document/model.ts';

/** Page size and the text block on it, in points. */
export interface PageGeometry {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const MM = 72 / 25.4;

/** Trim sizes with margins that keep a comfortable measure at 10.5 pt. */
export function pageGeometry(page: BookMeta['page']): PageGeometry {
  switch (page) {
    case 'a4':
      return { width: 210 * MM, height: 297 * MM, left: 25 * MM, right: 25 * MM, top: 25 * MM, bottom: 25 * MM };
    case '6x9in':
      return { width: 432, height: 648, left: 54, right: 54, top: 58, bottom: 58 };
    default:
      return { width: 148 * MM, height: 210 * MM, left: 17 * MM, right: 17 * MM, top: 20 * MM, bottom: 20 * MM };
  }
}

export function textWidth(g: PageGeometry): number {
  return g.width - g.left - g.right;
}

export function textHeight(g: PageGeometry): number {
  return g.height - g.top - g.bottom;
}

export type Rgb = readonly [number, number, number];

/** The typographic scale: body 10.5 pt; everything else relative to it. */
export const TYPE = {
  body: 10.5,
  code: 9,
  small: 8.5,
  header: 8,
  heading: { 1: 20, 2: 14, 3: 12, 4: 10.5, 5: 10.5, 6: 10.5 } as Record<number, number>,
  /** Line height as a multiple of the size: clreq suggests generous leading for Chinese. */
  leading: (cjk: boolean) => (cjk ? 1.75 : 1.45),
  codeLeading: 1.45,
  /** Space between paragraphs, in ems. */
  paragraphGap: 0.6,
};

export const COLOURS = {
  text: [0.1, 0.1, 0.1] as Rgb,
  muted: [0.42, 0.42, 0.42] as Rgb,
  link: [0.06, 0.32, 0.62] as Rgb,
  inlineCode: [0.55, 0.16, 0.2] as Rgb,
  codeBackground: [0.95, 0.95, 0.93] as Rgb,
  rule: [0.72, 0.72, 0.72] as Rgb,
  quoteRule: [0.6, 0.68, 0.78] as Rgb,
  tableHeader: [0.92, 0.93, 0.95] as Rgb,
  placeholder: [0.97, 0.96, 0.94] as Rgb,
};
