import fontkit from '@cantoo/fontkit';
import { CustomFontSubsetEmbedder, PDFFont, type PDFDocument, type PDFRef } from '@cantoo/pdf-lib';
import type { FaceRole, FontSet } from '../formats/writer.ts';
import { blockFaceName, blockOf, fallbacksNeeded, type NeededFallback } from './fallback-faces.ts';
import { installHint } from './font-keys.ts';

export type FaceName = FaceRole;

interface FontkitGlyph {
  id: number;
  codePoints: number[];
  advanceWidth: number;
}

interface FontkitFont {
  unitsPerEm: number;
  ascent: number;
  descent: number;
  hasGlyphForCodePoint(codePoint: number): boolean;
  glyphForCodePoint(codePoint: number): FontkitGlyph;
  layout(text: string, features?: string[]): { glyphs: FontkitGlyph[] };
}

/**
 * The parts of pdf-lib's CustomFontSubsetEmbedder we drive directly. pdf-lib's
 * own `encodeText` re-shapes every string with fontkit's layout engine, which
 * is where build time goes; we measure each character once and hand the
 * already-chosen glyphs to the subset, keeping the embedder's bookkeeping
 * (widths, ToUnicode) exactly as `encodeText` would.
 */
interface SubsetEmbedder {
  font: FontkitFont;
  subset: { includeGlyph(glyph: FontkitGlyph): number | boolean };
  glyphs: FontkitGlyph[];
  glyphIdMap: Map<number, number>;
  glyphCache: { invalidate(): void };
}

/** A character resolved to one glyph of one face. */
export interface PlacedGlyph {
  face: Face;
  /** Glyph id inside the PDF subset, as 4 hex digits. */
  hex: string;
  /** Advance in thousandths of an em. */
  advance: number;
}

/**
 * One face: a per-character glyph cache over a subset font. The book's faces
 * are font resources of the PDF from the start; a fallback face becomes one
 * with its first glyph, so a face nothing is drawn with is never embedded.
 */
export class Face {
  readonly ascent: number;
  readonly descent: number;
  private readonly scale: number;
  private readonly cache = new Map<number, PlacedGlyph | null>();
  private readonly variants = new Map<string, PlacedGlyph | null>();
  private font: PDFFont | undefined;

  /**
   * @param register makes the face a font resource of the PDF, on first use.
   * @param advanceScale scales every advance this face reports and writes to
   * the PDF's /W widths: 0.5 gives half-width cuts of full-width punctuation.
   */
  constructor(
    readonly name: string,
    private readonly embedder: SubsetEmbedder,
    private readonly register: () => PDFFont,
    private readonly advanceScale = 1,
  ) {
    const font = this.embedder.font;
    this.scale = 1000 / font.unitsPerEm;
    this.ascent = font.ascent * this.scale;
    this.descent = font.descent * this.scale;
  }

  /** A face already embedded in the document (pdf-lib's `embedFont`). */
  static of(name: string, pdfFont: PDFFont, advanceScale = 1): Face {
    return new Face(name, (pdfFont as unknown as { embedder: SubsetEmbedder }).embedder, () => pdfFont, advanceScale);
  }

  get pdfFont(): PDFFont {
    return (this.font ??= this.register());
  }

  get ref(): PDFRef {
    return this.pdfFont.ref;
  }

  /** Whether a glyph of this face has been drawn (put into its subset). */
  get used(): boolean {
    return this.font !== undefined;
  }

  /** Whether the face maps a code point to a glyph, without putting it into the subset. */
  has(codePoint: number): boolean {
    return this.embedder.font.hasGlyphForCodePoint(codePoint) && this.embedder.font.glyphForCodePoint(codePoint).id !== 0;
  }

  /** The glyph for a code point, or null when this face has none. */
  glyph(codePoint: number): PlacedGlyph | null {
    let placed = this.cache.get(codePoint);
    if (placed !== undefined) return placed;
    placed = null;
    const font = this.embedder.font;
    if (font.hasGlyphForCodePoint(codePoint)) {
      const glyph = font.glyphForCodePoint(codePoint);
      if (glyph.id !== 0) placed = this.place(glyph);
    }
    this.cache.set(codePoint, placed);
    return placed;
  }

  /**
   * The glyph an OpenType substitution (`pwid`: proportional widths) puts in
   * place of a code point's, or null when the face has none. The glyph keeps
   * the code point, so the PDF's ToUnicode still maps it back to it.
   */
  variant(codePoint: number, feature: string): PlacedGlyph | null {
    const key = `${feature}:${codePoint}`;
    let placed = this.variants.get(key);
    if (placed !== undefined) return placed;
    placed = null;
    const base = this.glyph(codePoint);
    const glyph = base && this.embedder.font.layout(String.fromCodePoint(codePoint), [feature]).glyphs[0];
    if (glyph && glyph.id !== 0) placed = this.place({ id: glyph.id, codePoints: [codePoint], advanceWidth: glyph.advanceWidth });
    this.variants.set(key, placed);
    return placed;
  }

  /**
   * The one glyph the face's own substitutions (ccmp, liga) draw a sequence
   * of code points with — an emoji ZWJ sequence, flag, keycap or skin tone —
   * or null when they give none or more than one.
   */
  sequence(text: string): PlacedGlyph | null {
    const key = `sequence:${text}`;
    let placed = this.variants.get(key);
    if (placed !== undefined) return placed;
    const { glyphs } = this.embedder.font.layout(text);
    const [glyph] = glyphs;
    placed = glyphs.length === 1 && glyph.id !== 0 ? this.place({ id: glyph.id, codePoints: glyph.codePoints, advanceWidth: glyph.advanceWidth }) : null;
    this.variants.set(key, placed);
    return placed;
  }

  /** Puts a glyph into the subset, with this face's advance scale. */
  private place(glyph: FontkitGlyph): PlacedGlyph {
    const scaled = this.advanceScale === 1 ? glyph : { id: glyph.id, codePoints: glyph.codePoints, advanceWidth: glyph.advanceWidth * this.advanceScale };
    return { face: this, hex: this.include(scaled), advance: scaled.advanceWidth * this.scale };
  }

  private include(glyph: FontkitGlyph): string {
    this.font ??= this.register();
    const known = this.embedder.glyphIdMap.get(glyph.id);
    if (known !== undefined) return hex4(known);
    const subsetId = this.embedder.subset.includeGlyph(glyph);
    if (typeof subsetId !== 'number') throw new Error('fontkit subset.includeGlyph() must return a glyph id');
    this.embedder.glyphs[subsetId - 1] = glyph;
    this.embedder.glyphIdMap.set(glyph.id, subsetId);
    this.embedder.glyphCache.invalidate();
    return hex4(subsetId);
  }
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

/** An emoji sequence drawn as one glyph, at `index` in the text it was found in. */
export interface DrawnSequence {
  index: number;
  text: string;
  glyph: PlacedGlyph;
}

/** The faces of a book and the fallback chain between them. */
export class FontBook {
  /** The visible box a character no face has is drawn with. */
  readonly replacement: PlacedGlyph;

  /**
   * @param fallbacks the fallback faces (or blocks of them) this book's text needs, in chain order (src/pdf/fallback-faces.ts).
   * @param absent the optional fallback faces (or blocks) it needs that are not installed.
   */
  constructor(
    readonly faces: Record<FaceName, Face>,
    private readonly halfWidth: Face,
    private readonly fallbacks: readonly Face[] = [],
    private readonly absent: readonly NeededFallback[] = [],
  ) {
    this.replacement = faces.regular.glyph(0x25a1) ?? faces.regular.glyph(0x3f)!;
  }

  /**
   * A full-width punctuation mark of the regular face with half its advance,
   * for compressing consecutive punctuation. It is a separate font resource
   * whose widths say 500 rather than a full-width glyph pulled back with a
   * negative kern, so text extraction sees no overlapping characters.
   */
  halfWidthPunctuation(codePoint: number): PlacedGlyph | null {
    return this.halfWidth.glyph(codePoint);
  }

  /**
   * The glyph for a character in the wanted face, falling back to the Sans TC
   * regular face (CJK inside code, symbols missing from the bold cut), then to
   * the first fallback face that has it (Noto Sans HK, Noto Emoji, Hanazono
   * Mincho A); null when no face has one (drawn as `replacement`).
   */
  glyphFor(face: FaceName, codePoint: number): PlacedGlyph | null {
    let glyph = this.faces[face].glyph(codePoint) ?? this.faces.regular.glyph(codePoint);
    for (let i = 0; glyph === null && i < this.fallbacks.length; i++) glyph = this.fallbacks[i].glyph(codePoint);
    return glyph;
  }

  /** How to install the missing optional face that is tried for a character drawn as a box, if there is one. */
  absentFaceHint(char: string): string | undefined {
    const codePoint = char.codePointAt(0)!;
    const missing = this.absent.find(({ face, block }) => new RegExp(face.triedFor.source, 'u').test(char) && (block === undefined || block === blockOf(codePoint)));
    return missing && installHint(missing.face.role);
  }

  /**
   * The emoji sequences of a text (ZWJ sequences, flags, keycaps, skin tones)
   * that the emoji face draws as one glyph each; the rest of the text is
   * resolved character by character.
   */
  *emojiSequences(text: string): Generator<DrawnSequence> {
    const emoji = this.fallbacks.find((face) => face.name === 'emoji');
    if (!emoji) return;
    for (const match of text.matchAll(EMOJI_SEQUENCE)) {
      const glyph = emoji.sequence(match[0]);
      if (glyph) yield { index: match.index, text: match[0], glyph };
    }
  }

  /** Writes the fallback faces a glyph was drawn with into the PDF; the others leave no trace. Call once, before saving. */
  async embedUsedFallbacks(): Promise<void> {
    for (const face of this.fallbacks) if (face.used) await face.pdfFont.embed();
  }
}

/** A pictograph with its skin tone or variation selector. */
const EMOJI_PIECE = String.raw`\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier})?`;
/** Emoji sequences of more than one visible code point: ZWJ sequences first, so 👩🏽‍💻 is not cut after 🏽. */
const EMOJI_SEQUENCE = new RegExp(
  [
    String.raw`${EMOJI_PIECE}(?:\u200D${EMOJI_PIECE})+`,
    String.raw`\p{Extended_Pictographic}(?:\p{Emoji_Modifier}|[\u{E0020}-\u{E007E}]+\u{E007F})`,
    String.raw`\p{Regional_Indicator}{2}`,
    String.raw`[#*0-9]\uFE0F?\u20E3`,
  ].join('|'),
  'gu',
);

/**
 * Embeds the three faces as subsets, and reads the fallback faces the text
 * needs (each still embedded only once a glyph of it is drawn). Subset fonts get the six-letter tag PDF
 * readers (and `pdffonts`) recognise; it is derived from the face name so
 * builds stay byte-identical.
 */
export async function embedFonts(pdf: PDFDocument, fonts: FontSet, texts: readonly string[]): Promise<FontBook> {
  pdf.registerFontkit(fontkit);
  const embed = async (name: string, bytes: Uint8Array, postscript: string, tag: string, advanceScale = 1) =>
    Face.of(name, await pdf.embedFont(bytes, { subset: true, customName: `${tag}+${postscript}` }), advanceScale);
  const regular = await embed('regular', fonts.regular, 'NotoSansTC-Regular', 'BNDREG');
  const fallbacks: Face[] = [];
  const absent: NeededFallback[] = [];
  for (const needed of fallbacksNeeded(texts, (codePoint) => !regular.has(codePoint))) {
    const { face, block } = needed;
    const bytes = await fonts.fallback(face.role, block);
    if (!bytes) {
      absent.push(needed);
      continue;
    }
    const embedder = await CustomFontSubsetEmbedder.for(fontkit, bytes, block === undefined ? face.name : blockFaceName(face, block));
    fallbacks.push(new Face(face.role, embedder as unknown as SubsetEmbedder, () => PDFFont.of(pdf.context.nextRef(), pdf, embedder)));
  }
  return new FontBook(
    {
      regular,
      bold: await embed('bold', fonts.bold, 'NotoSansTC-Bold', 'BNDBLD'),
      mono: await embed('mono', fonts.mono, 'JetBrainsMono-Regular', 'BNDMON'),
    },
    await embed('half', fonts.regular, 'NotoSansTC-Regular', 'BNDHLF', 0.5),
    fallbacks,
    absent,
  );
}
