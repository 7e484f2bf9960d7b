import type { Inline, InternalTarget } from '../document/model.ts';
import { isCjkWide, isLatinLetter, type Hyphenate, type Language } from '../language/index.ts';
import { COLOURS, type Rgb } from './geometry.ts';
import type { FaceName, FontBook, PlacedGlyph } from './fonts.ts';
import { HARD_BREAK, isHan, isLatinOrDigit, textOfCodePoints, type Measured } from './linebreak.ts';

export type LinkTarget = { uri: string } | { internal: InternalTarget };

/** How a run of characters is drawn. Styles are shared objects: equal styles draw as one run. */
export interface Style {
  face: FaceName;
  size: number;
  color: Rgb;
  oblique: boolean;
  /** Inside Markdown emphasis: Han and kana take emphasis dots (著重號) instead of the slant. */
  emphasis?: boolean;
  /** Draw an emphasis dot under each Han or kana character of the run. */
  emphasisDots?: boolean;
  underline: boolean;
  strike: boolean;
  /** Baseline shift in points (superscript > 0). */
  rise: number;
  link?: LinkTarget;
}

/** A measured character with the glyph and style it is drawn with. */
export interface TextChar extends Measured {
  glyph: PlacedGlyph;
  style: Style;
  /**
   * On a replacement box or a substituted glyph (a dash drawn as a rule): the
   * characters it stands for (a whole emoji sequence, `—`), so the PDF can hand
   * them to copy, search and text extraction.
   */
  actualText?: string;
  /** The language of words in another one than the text around them (English inside Chinese). */
  lang?: string;
  /** At a hyphenation point: the hyphen drawn after this character when a line ends here. */
  hyphen?: TextChar;
}

export interface ShapeContext {
  fonts: FontBook;
  /** Called once per character that no font has; it is drawn as a replacement box. */
  onMissingGlyph: (char: string) => void;
  /**
   * The language of the text being set (each chapter's), which finds the
   * words in another one; null where no run needs its own language (the
   * cover, read as its alt text).
   */
  language: Language | null;
  /** The hyphenator for words in a language, where the book's patterns were loaded; null: no hyphenation. */
  hyphenation?: (lang: string) => Hyphenate | null;
}

export function baseStyle(face: FaceName, size: number, color: Rgb = COLOURS.text): Style {
  return { face, size, color, oblique: false, underline: false, strike: false, rise: 0 };
}

/** Spaces of a set width (Unicode's General Punctuation): in ems, or as wide as another character. */
const FIXED_SPACES = new Map<number, { em: number } | { as: number }>([
  [0xa0, { as: 0x20 }],
  [0x2002, { em: 1 / 2 }],
  [0x2003, { em: 1 }],
  [0x2004, { em: 1 / 3 }],
  [0x2005, { em: 1 / 4 }],
  [0x2006, { em: 1 / 6 }],
  [0x2007, { as: 0x30 }], // figure space: a digit
  [0x2008, { as: 0x2e }], // punctuation space: a full stop
  [0x2009, { em: 1 / 5 }],
  [0x200a, { em: 1 / 10 }],
  [0x202f, { em: 1 / 5 }],
  [0x205f, { em: 4 / 18 }],
]);

/** The width of a fixed space drawn with the word space's glyph `space`. */
function fixedSpaceWidth(cp: number, size: number, space: PlacedGlyph, fonts: FontBook, face: FaceName): number {
  const width = FIXED_SPACES.get(cp)!;
  const advance = 'as' in width ? (fonts.glyphFor(face, width.as) ?? space).advance : width.em * 1000;
  return (advance * size) / 1000;
}

/** Code points that take no room and have no glyph: variation selectors, joiners, soft hyphens. */
const ZWJ = 0x200d;

function isInvisible(cp: number): boolean {
  return (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0x200b && cp <= 0x200f) || cp === 0xad || cp === 0x2060 || (cp >= 0xe0100 && cp <= 0xe01ef) || (cp < 0x20 && cp !== HARD_BREAK);
}

/**
 * Turns inline nodes into measured characters. Each character is looked up
 * once in the glyph cache (no re-shaping later): the drawing code reuses the
 * glyph chosen here. A quarter em goes between Han and Latin letters or digits
 * that touch without a space.
 */
export function shapeInlines(nodes: readonly Inline[], style: Style, ctx: ShapeContext): TextChar[] {
  const out: TextChar[] = [];
  appendInlines(out, nodes, style, ctx);
  for (let i = 1; i < out.length; i++) {
    const prev = out[i - 1].codePoint;
    const cur = out[i].codePoint;
    if (out[i].style.face === 'mono' && out[i - 1].style.face === 'mono') continue;
    if ((isHan(prev) && isLatinOrDigit(cur)) || (isLatinOrDigit(prev) && isHan(cur))) out[i].gapBefore = out[i].style.size / 4;
  }
  compressPunctuation(out, ctx.fonts);
  drawDashPairsAsRules(out, ctx.fonts);
  setLatinQuotesProportional(out, ctx.fonts);
  setCjkEmphasis(out);
  markHyphenationPoints(out, ctx);
  markUrlBreaks(out);
  return out;
}

const SLASH = 0x2f;
const COLON = 0x3a;

/**
 * A URL may break anywhere, without a hyphen (one added would read as part of
 * it): otherwise the only breaks in `https://example.com/archive/2025/…` are
 * after its slashes, and a line before a long segment is left with a gap so
 * wide the justifier has to stretch every character of it. Never inside `://`.
 */
function markUrlBreaks(chars: TextChar[]): void {
  for (let i = 2; i + 1 < chars.length; i++) {
    if (chars[i].codePoint !== SLASH || chars[i - 1].codePoint !== SLASH || chars[i - 2].codePoint !== COLON) continue;
    let start = i - 2;
    while (start > 0 && isLatinLetter(chars[start - 1].codePoint)) start--;
    if (start === i - 2) continue;
    let end = i + 1;
    while (end < chars.length && chars[end].codePoint > SPACE && chars[end].codePoint !== HARD_BREAK && !isCjkWide(chars[end].codePoint)) end++;
    for (let k = i; k < end - 1; k++) if (chars[k].hyphenAfter === undefined) chars[k].hyphenAfter = 0;
    i = end;
  }
}

const SPACE = 0x20;
/** A word containing one of these is a URL, an address, a path or a handle: never hyphenated. */
const NOT_PROSE = new Set([...'/@_\\:=#.'].map((c) => c.codePointAt(0)!));

/**
 * Marks where words may be hyphenated (see src/language/hyphenation.ts): in
 * prose words of five letters or more in a language with patterns, not in
 * code, URLs, numbers, acronyms or CamelCase names. A full stop or comma
 * ending a word does not make it a URL.
 */
function markHyphenationPoints(chars: TextChar[], ctx: ShapeContext): void {
  if (!ctx.hyphenation) return;
  const ownLatin = ctx.language && !ctx.language.cjk ? ctx.language.tag : null;
  const hyphens = new Map<Style, TextChar>();
  for (let i = 0; i < chars.length; ) {
    if (chars[i].codePoint === SPACE || chars[i].codePoint === HARD_BREAK) {
      i++;
      continue;
    }
    let end = i;
    let prose = true;
    while (end < chars.length && chars[end].codePoint !== SPACE && chars[end].codePoint !== HARD_BREAK) {
      const c = chars[end];
      const trailing = end + 1 === chars.length || chars[end + 1].codePoint === SPACE || chars[end + 1].codePoint === HARD_BREAK;
      if (c.style.face === 'mono' || (c.codePoint >= 0x30 && c.codePoint <= 0x39) || (NOT_PROSE.has(c.codePoint) && !trailing)) prose = false;
      end++;
    }
    if (prose) {
      for (let w = i; w < end; ) {
        if (!isLatinLetter(chars[w].codePoint)) {
          w++;
          continue;
        }
        let wordEnd = w;
        while (wordEnd < end && isLatinLetter(chars[wordEnd].codePoint)) wordEnd++;
        const lang = chars[w].lang ?? ownLatin;
        const hyphenate = lang && wordEnd - w >= 5 ? ctx.hyphenation(lang) : null;
        const word = hyphenate ? textOfCodePoints(chars.slice(w, wordEnd).map((c) => c.codePoint)) : '';
        if (hyphenate && !/.\p{Lu}/u.test(word)) {
          for (const point of hyphenate(word)) {
            const before = chars[w + point - 1];
            let hyphen = hyphens.get(before.style);
            if (!hyphen || hyphen.lang !== before.lang) {
              const glyph = ctx.fonts.glyphFor(before.style.face, 0x2d) ?? ctx.fonts.replacement;
              hyphen = { codePoint: 0x2d, width: (glyph.advance * before.style.size) / 1000, gapBefore: 0, glyph, style: before.style, lang: before.lang };
              hyphens.set(before.style, hyphen);
            }
            before.hyphen = hyphen;
            before.hyphenAfter = hyphen.width;
          }
        }
        w = wordEnd;
      }
    }
    i = end;
  }
}

/**
 * clreq: Chinese emphasis is dots under the characters (著重號), never a
 * synthetic slant, which Han glyphs are not drawn for. Emphasised Han and
 * kana stand upright with a dot under each; CJK punctuation stands upright
 * without one; Latin text keeps the slant.
 */
function setCjkEmphasis(chars: TextChar[]): void {
  const variants = new Map<Style, { dotted: Style; upright: Style }>();
  for (const c of chars) {
    if (!c.style.emphasis || !c.style.oblique || !isCjkWide(c.codePoint)) continue;
    let variant = variants.get(c.style);
    if (!variant) {
      variant = { dotted: { ...c.style, oblique: false, emphasisDots: true }, upright: { ...c.style, oblique: false } };
      variants.set(c.style, variant);
    }
    c.style = isHan(c.codePoint) ? variant.dotted : variant.upright;
  }
}

const CURLY_QUOTES = new Set([0x2018, 0x2019, 0x201c, 0x201d]);

/**
 * The book face is a CJK face: its curly quotes are full-width, which leaves
 * holes in Latin text (`contributor’ s`, `said, “ Verify`). Among Latin text
 * they take the face's proportional forms (OpenType `pwid`), as a Latin font
 * sets them; beside CJK text they stay full-width.
 */
function setLatinQuotesProportional(chars: TextChar[], fonts: FontBook): void {
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (!CURLY_QUOTES.has(c.codePoint) || (c.glyph.face !== fonts.faces.regular && c.glyph.face !== fonts.faces.bold)) continue;
    const before = chars[i - 1]?.codePoint;
    const after = chars[i + 1]?.codePoint;
    if ((before !== undefined && isCjkWide(before)) || (after !== undefined && isCjkWide(after))) continue;
    const proportional = c.glyph.face.variant(c.codePoint, 'pwid');
    if (!proportional) continue;
    c.glyph = proportional;
    c.width = (proportional.advance * c.style.size) / 1000;
  }
}

const EM_DASH = 0x2014;
/** BOX DRAWINGS LIGHT HORIZONTAL: a full-em rule on the CJK centre line, ink edge to edge. */
const FULL_EM_RULE = 0x2500;

/**
 * The 破折號 `——` is one rule two ems wide (clreq §3.3.4). The font's em dash
 * is a Latin dash 0.894 em wide set low, so two of them show a gap and sit
 * below the Han centre line; each dash of a pair is drawn with the full-em
 * rule glyph instead, and keeps `—` as its text for copy, search and extraction.
 */
function drawDashPairsAsRules(chars: TextChar[], fonts: FontBook): void {
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c.codePoint !== EM_DASH || (chars[i - 1]?.codePoint !== EM_DASH && chars[i + 1]?.codePoint !== EM_DASH)) continue;
    if (c.glyph.face !== fonts.faces.regular && c.glyph.face !== fonts.faces.bold) continue;
    const rule = c.glyph.face.glyph(FULL_EM_RULE);
    if (!rule) continue;
    c.glyph = rule;
    c.width = (rule.advance * c.style.size) / 1000;
    c.actualText = '—';
  }
}

const OPENING = new Set([...'「『（《〈【〔｛〖〘〚'].map((c) => c.codePointAt(0)!));
const CLOSING = new Set([...'」』）》〉】〕｝〗〙〛'].map((c) => c.codePointAt(0)!));
const FULL_WIDTH_COLON = 0xff1a;
const CENTRED = new Set([...'、。，：；！？'].map((c) => c.codePointAt(0)!));

function isCjkPunctuation(cp: number): boolean {
  return OPENING.has(cp) || CLOSING.has(cp) || CENTRED.has(cp);
}

/**
 * Consecutive CJK punctuation (clreq §3.1.6): a closing bracket followed by
 * more punctuation is set half-width, dropping the blank half after its
 * glyph. Without this 」。 leaves a hole, and a long run of closing brackets
 * cannot fit on one line (none of them may start the next).
 *
 * An opening bracket after an opening bracket or a colon (「『, （《, ：「) has
 * its blank half before its glyph instead. That half is taken from the mark
 * before it: set half-width, its ink (on its right half for an opening
 * bracket, in the middle for the colon) still clears the bracket's ink, which
 * moves half an em closer. Only the colon of the centred marks: its ink
 * passes the half em by 0.08 em where a line ends between ： and 「, while
 * 。，？ would stick out up to a quarter em past the margin.
 */
function compressPunctuation(chars: TextChar[], fonts: FontBook): void {
  for (let i = 0; i + 1 < chars.length; i++) {
    const c = chars[i];
    if (c.glyph.face !== fonts.faces.regular) continue;
    const next = chars[i + 1].codePoint;
    const closingRun = CLOSING.has(c.codePoint) && isCjkPunctuation(next);
    const openingRun = OPENING.has(next) && (OPENING.has(c.codePoint) || c.codePoint === FULL_WIDTH_COLON);
    if (!closingRun && !openingRun) continue;
    const half = fonts.halfWidthPunctuation(c.codePoint);
    if (!half) continue;
    c.glyph = half;
    c.width = (half.advance * c.style.size) / 1000;
  }
}

export function shapeText(text: string, style: Style, ctx: ShapeContext): TextChar[] {
  return shapeInlines([{ type: 'text', value: text }], style, ctx);
}

/** Emoji pieces that belong to the character before them: skin tones, the second regional indicator of a flag. */
function extendsPrevious(cp: number, prev: number | undefined): boolean {
  return (cp >= 0x1f3fb && cp <= 0x1f3ff) || (cp >= 0x1f1e6 && cp <= 0x1f1ff && prev !== undefined && prev >= 0x1f1e6 && prev <= 0x1f1ff);
}

/** What appendText carries from one character to the next: a box that a following code point may belong to (ZWJ sequences, skin tones, flags). */
interface MissingRun {
  previous: number | undefined;
  joined: boolean;
}

function appendText(out: TextChar[], text: string, style: Style, ctx: ShapeContext, lang?: string): void {
  const missing: MissingRun = { previous: undefined, joined: false };
  // An emoji sequence the emoji face draws as one glyph (👩‍💻, 👍🏽, 🇹🇼, 1️⃣) keeps all its code points as its text.
  let at = 0;
  for (const sequence of ctx.fonts.emojiSequences(text)) {
    appendCodePoints(out, text, at, sequence.index, style, ctx, lang, missing);
    out.push({ codePoint: sequence.text.codePointAt(0)!, width: (sequence.glyph.advance * style.size) / 1000, gapBefore: 0, glyph: sequence.glyph, style, actualText: sequence.text, lang });
    missing.previous = undefined;
    missing.joined = false;
    at = sequence.index + sequence.text.length;
  }
  appendCodePoints(out, text, at, text.length, style, ctx, lang, missing);
}

/**
 * The characters of `text` from `from` to `to`, walked by code point: a
 * book's every character passes here, so nothing is allocated for one but
 * its TextChar (a fresh process runs this loop before V8 has optimised it).
 */
function appendCodePoints(out: TextChar[], text: string, from: number, to: number, style: Style, ctx: ShapeContext, lang: string | undefined, missing: MissingRun): void {
  for (let i = from; i < to; ) {
    let cp = text.codePointAt(i)!;
    const at = i;
    i += cp > 0xffff ? 2 : 1;
    if (cp === ZWJ) missing.joined = true;
    // Before the invisible ones (every control character): a tab between words is a space, not nothing.
    if (cp === 0x09) cp = 0x20;
    if (isInvisible(cp)) {
      // A joiner or variation selector inside an emoji belongs to the text its box stands for.
      if (missing.previous !== undefined) out[out.length - 1].actualText += text.slice(at, i);
      continue;
    }
    if (cp === HARD_BREAK) {
      out.push({ codePoint: cp, width: 0, gapBefore: 0, glyph: ctx.fonts.glyphFor(style.face, 0x20) ?? ctx.fonts.replacement, style, lang });
      missing.previous = undefined;
      continue;
    }
    const glyph = ctx.fonts.glyphFor(style.face, cp);
    if (glyph === null && FIXED_SPACES.has(cp)) {
      // A space the faces lack (U+2009 thin, U+202F narrow no-break: boxes before) is the word space's glyph at its own width; it keeps its code point, so the line breaks, or does not, as Unicode says.
      const space = ctx.fonts.glyphFor(style.face, 0x20) ?? ctx.fonts.replacement;
      out.push({ codePoint: cp, width: fixedSpaceWidth(cp, style.size, space, ctx.fonts, style.face), gapBefore: 0, glyph: space, style, lang });
      missing.previous = undefined;
      continue;
    }
    if (glyph === null) {
      const ch = text.slice(at, i);
      ctx.onMissingGlyph(ch);
      // One replacement box per emoji, not one per code point of a ZWJ sequence or modifier.
      const partOfPrevious = missing.previous !== undefined && (missing.joined || extendsPrevious(cp, missing.previous));
      missing.previous = cp;
      missing.joined = false;
      if (partOfPrevious) {
        out[out.length - 1].actualText += ch;
        continue;
      }
      const box = ctx.fonts.replacement;
      out.push({ codePoint: cp, width: (box.advance * style.size) / 1000, gapBefore: 0, glyph: box, style, actualText: ch, lang });
      continue;
    }
    missing.previous = undefined;
    missing.joined = false;
    out.push({ codePoint: cp, width: (glyph.advance * style.size) / 1000, gapBefore: 0, glyph, style, lang });
  }
}

function appendInlines(out: TextChar[], nodes: readonly Inline[], style: Style, ctx: ShapeContext): void {
  for (const node of nodes) {
    switch (node.type) {
      case 'text':
        if (!ctx.language) appendText(out, node.value, style, ctx);
        else for (const run of ctx.language.runs(node.value)) appendText(out, run.text, style, ctx, run.lang);
        break;
      case 'break':
        appendText(out, '\n', style, ctx);
        break;
      case 'code':
        appendText(out, node.value, { ...style, face: 'mono', size: style.size * 0.9, color: style.link ? style.color : COLOURS.inlineCode }, ctx);
        break;
      case 'image':
        appendText(out, node.alt, style, ctx);
        break;
      case 'strong':
        appendInlines(out, node.children, { ...style, face: style.face === 'mono' ? 'mono' : 'bold' }, ctx);
        break;
      case 'emphasis':
        appendInlines(out, node.children, { ...style, oblique: true, emphasis: true }, ctx);
        break;
      case 'strike':
        appendInlines(out, node.children, { ...style, strike: true }, ctx);
        break;
      case 'link': {
        const link: LinkTarget = node.target ? { internal: node.target } : { uri: node.href };
        appendInlines(out, node.children, { ...style, color: COLOURS.link, underline: true, link }, ctx);
        break;
      }
      case 'span':
        appendInlines(out, node.children, spanStyle(node.tag, style), ctx);
        break;
    }
  }
}

function spanStyle(tag: Extract<Inline, { type: 'span' }>['tag'], style: Style): Style {
  switch (tag) {
    case 'sup':
      // Raised less than half its own size: text extraction (and copy-paste) keeps it on its line, so `mc²，` stays one line.
      return { ...style, size: style.size * 0.7, rise: style.size * 0.3 };
    case 'sub':
      return { ...style, size: style.size * 0.7, rise: -style.size * 0.15 };
    case 'small':
      return { ...style, size: style.size * 0.85 };
    case 'u':
    case 'ins':
      return { ...style, underline: true };
    case 'kbd':
    case 'samp':
    case 'var':
      return { ...style, face: 'mono', size: style.size * 0.9 };
    case 'cite':
    case 'dfn':
      return { ...style, oblique: true };
    default:
      return style;
  }
}
