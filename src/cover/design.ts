import type { BookMeta } from '../document/model.ts';
import { isProhibitedLineEnd, isProhibitedLineStart, languageOf, type Language } from '../language/index.ts';

/**
 * The generated cover of a book without a cover image, laid out once as
 * rectangles and centred lines of text on a 600 × 900 (2:3) sheet. The EPUB
 * and the storefront draw it as SVG, the PDF with its own fonts, the OPDS PNG
 * without its lettering; each scales the sheet and keeps its proportions.
 */
const COVER_WIDTH = 600;
const COVER_HEIGHT = 900;
const MARGIN = 60;
/** The widest a line of text may be. Lines are broken on estimated widths; a renderer with real metrics shrinks a line that comes out wider. */
export const COVER_MEASURE = COVER_WIDTH - 2 * MARGIN;

/** Warm paper, a brick-red frame and rule, dark brown lettering. */
export const COVER_COLOURS = {
  ground: '#f4efe6',
  frame: '#8a3b2e',
  title: '#2b2118',
  subtitle: '#4a3b2e',
  publisher: '#6b5a4a',
} as const;

/** A rectangle in cover units, y downwards: filled, stroked along its edges (centred on them), or both. */
export interface CoverRect {
  x: number;
  y: number;
  width: number;
  height: number;
  fill?: string;
  stroke?: string;
  strokeWidth?: number;
}

/** One line of text, centred on `centre`, its baseline at `baseline`. */
export interface CoverLine {
  text: string;
  centre: number;
  baseline: number;
  size: number;
  bold: boolean;
  colour: string;
}

export interface CoverDesign {
  width: number;
  height: number;
  /** The book's title, whole, for the image's accessible name. */
  title: string;
  language: string;
  /** Drawn in order, the ground first. */
  rects: CoverRect[];
  lines: CoverLine[];
}

export type CoverText = Pick<BookMeta, 'title' | 'subtitle' | 'authors' | 'publisher' | 'language'>;

const TITLE = { size: 52, leading: 1.3, top: 200 };

/** Title, subtitle, authors (listed the language's way) and publisher on the ground, frame and rule. */
export function coverDesign(book: CoverText, language: Language): CoverDesign {
  const title = setLines(book.title, TITLE.size, TITLE.top, TITLE.leading, true, COVER_COLOURS.title);
  const ruleTop = titleBottom(Math.max(title.length, 1)) + 10;
  const subtitle = book.subtitle ? setLines(book.subtitle, 26, ruleTop + 44, 1.5, false, COVER_COLOURS.subtitle) : [];
  const authors = setLines(language.list(book.authors), 26, COVER_HEIGHT - 150, 1.5, false, COVER_COLOURS.title);
  const publisher = book.publisher ? setLines(book.publisher, 20, COVER_HEIGHT - 70, 1.4, false, COVER_COLOURS.publisher) : [];
  return {
    width: COVER_WIDTH,
    height: COVER_HEIGHT,
    title: book.title,
    language: book.language,
    rects: [
      { x: 0, y: 0, width: COVER_WIDTH, height: COVER_HEIGHT, fill: COVER_COLOURS.ground },
      { x: MARGIN / 2, y: MARGIN / 2, width: COVER_WIDTH - MARGIN, height: COVER_HEIGHT - MARGIN, stroke: COVER_COLOURS.frame, strokeWidth: 3 },
      { x: MARGIN, y: ruleTop, width: COVER_MEASURE, height: 4, fill: COVER_COLOURS.frame },
    ],
    lines: [...title, ...subtitle, ...authors, ...publisher],
  };
}

/** Where the title's last line ends (its baseline plus descenders). */
function titleBottom(lines: number): number {
  return Math.round(TITLE.top + (lines - 1) * TITLE.size * TITLE.leading + TITLE.size * 0.3);
}

/** `value` broken into centred lines of `size`, the first baseline at `top`. */
function setLines(value: string, size: number, top: number, leading: number, bold: boolean, colour: string): CoverLine[] {
  return balancedLines(value, COVER_MEASURE / size, bold).map((text, i) => ({ text, centre: COVER_WIDTH / 2, baseline: Math.round(top + i * size * leading), size, bold, colour }));
}

/**
 * As few lines as fit `maxEms`, made as even as they can be (CSS
 * `text-wrap: balance`): the narrowest measure that still needs no more
 * lines, so a title never leaves one character alone on its last line
 * (「工作流程精」/「選」 becomes 「工作流」/「程精選」).
 */
function balancedLines(value: string, maxEms: number, bold: boolean): string[] {
  const greedy = breakLines(value, maxEms, bold);
  if (greedy.length < 2) return greedy;
  let fits = maxEms;
  let tooNarrow = 0;
  while (fits - tooNarrow > 0.05) {
    const measure = (fits + tooNarrow) / 2;
    if (breakLines(value, measure, bold).length <= greedy.length) fits = measure;
    else tooNarrow = measure;
  }
  return breakLines(value, fits, bold);
}

/** Characters set one full em wide: CJK ideographs, kana, hangul, full-width forms. */
const WIDE = /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]|[\uD840-\uD8BF][\uDC00-\uDFFF]/;
/** A Latin word (kept whole), a run of spaces, or any single other character. Built from a string: see kinsoku.ts. */
const WORD = new RegExp("[A-Za-z0-9\\u00C0-\\u024F'\\u2019.-]+|\\s+|[\\s\\S]", 'gu');

/** Average advance of a Latin character in ems, measured on Noto Serif and Noto Sans at the sizes used. */
const LATIN_EMS = { regular: 0.5, bold: 0.6 };

/**
 * Greedy line breaking by estimated width in ems: Latin words stay whole, CJK
 * breaks between characters, and never where kinsoku forbids (a line neither
 * starts with closing punctuation nor ends with an opening bracket).
 */
function breakLines(value: string, maxEms: number, bold = false): string[] {
  const latin = bold ? LATIN_EMS.bold : LATIN_EMS.regular;
  const tokens = value.match(WORD) ?? [];
  const lines: string[] = [];
  let line = '';
  let ems = 0;
  for (const token of tokens) {
    const w = emWidth(token, latin);
    const breakable = line.trim() !== '' && !isProhibitedLineStart(token.codePointAt(0)!) && !isProhibitedLineEnd(lastCodePoint(line));
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

function lastCodePoint(s: string): number {
  const chars = [...s.trimEnd()];
  return chars.length ? chars[chars.length - 1].codePointAt(0)! : 0;
}

function emWidth(s: string, latin: number): number {
  let ems = 0;
  for (const ch of s) ems += WIDE.test(ch) ? 1 : latin;
  return ems;
}

/** The design's ground, frame and rule without lettering (the rule under a one-line title): for raster copies, which cannot set text. */
export function plainCoverDesign(): CoverDesign {
  return coverDesign({ title: '', authors: [], language: 'und' }, languageOf('und'));
}

/** A `#rrggbb` colour as 0–255 channels. */
export function channels(colour: string): [number, number, number] {
  const n = Number.parseInt(colour.slice(1), 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}
