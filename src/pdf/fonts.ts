import fontkit from '@cantoo/fontkit';
import type { PDFDocument, PDFFont, PDFRef } from '@cantoo/pdf-lib';
import type { FontSet } from '../formats/writer.ts';

export type FaceName = keyof FontSet;

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
  layout(text: string, features: string[]): { glyphs: FontkitGlyph[] };
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

/** One embedded face: a per-character glyph cache over the embedded, subset font. */
export class Face {
  readonly ascent: number;
  readonly descent: number;
  private readonly scale: number;
  private readonly cache = new Map<number, PlacedGlyph | null>();
  private readonly variants = new Map<string, PlacedGlyph | null>();
  private readonly embedder: SubsetEmbedder;

  /**
   * @param advanceScale scales every advance this face reports and writes to
   * the PDF's /W widths: 0.5 gives half-width cuts of full-width punctuation.
   */
  constructor(
    readonly name: string,
    readonly pdfFont: PDFFont,
    private readonly advanceScale = 1,
  ) {
    this.embedder = (pdfFont as unknown as { embedder: SubsetEmbedder }).embedder;
    const font = this.embedder.font;
    this.scale = 1000 / font.unitsPerEm;
    this.ascent = font.ascent * this.scale;
    this.descent = font.descent * this.scale;
  }

  get ref(): PDFRef {
    return this.pdfFont.ref;
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

  /** Puts a glyph into the subset, with this face's advance scale. */
  private place(glyph: FontkitGlyph): PlacedGlyph {
    const scaled = this.advanceScale === 1 ? glyph : { id: glyph.id, codePoints: glyph.codePoints, advanceWidth: glyph.advanceWidth * this.advanceScale };
    return { face: this, hex: this.include(scaled), advance: scaled.advanceWidth * this.scale };
  }

  private include(glyph: FontkitGlyph): string {
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

/** The faces of a book and the fallback chain between them. */
export class FontBook {
  private readonly replacement: PlacedGlyph;

  constructor(
    readonly faces: Record<FaceName, Face>,
    private readonly halfWidth: Face,
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
   * a visible replacement box. `missing` is true when no face has the glyph.
   */
  resolve(face: FaceName, codePoint: number): { glyph: PlacedGlyph; missing: boolean } {
    const glyph = this.faces[face].glyph(codePoint) ?? this.faces.regular.glyph(codePoint);
    return glyph ? { glyph, missing: false } : { glyph: this.replacement, missing: true };
  }
}

/**
 * Embeds the three faces as subsets. Subset fonts get the six-letter tag PDF
 * readers (and `pdffonts`) recognise; it is derived from the face name so
 * builds stay byte-identical.
 */
export async function embedFonts(pdf: PDFDocument, fonts: FontSet): Promise<FontBook> {
  pdf.registerFontkit(fontkit);
  const embed = async (name: string, bytes: Uint8Array, postscript: string, tag: string, advanceScale = 1) =>
    new Face(name, await pdf.embedFont(bytes, { subset: true, customName: `${tag}+${postscript}` }), advanceScale);
  return new FontBook(
    {
      regular: await embed('regular', fonts.regular, 'NotoSansTC-Regular', 'BNDREG'),
      bold: await embed('bold', fonts.bold, 'NotoSansTC-Bold', 'BNDBLD'),
      mono: await embed('mono', fonts.mono, 'JetBrainsMono-Regular', 'BNDMON'),
    },
    await embed('half', fonts.regular, 'NotoSansTC-Regular', 'BNDHLF', 0.5),
  );
}
