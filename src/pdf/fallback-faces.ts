import type { BookDocument } from '../document/model.ts';
import type { FallbackRole } from '../formats/writer.ts';

/** One face of the PDF's fallback chain, tried for a character the book's faces (Noto Sans TC, JetBrains Mono) lack. */
export interface FallbackFace {
  role: FallbackRole;
  /** The subset's PostScript name: tag derived from the role, so builds stay byte-identical. */
  name: string;
  /**
   * The characters the face is loaded for (a global, Unicode regex): matched
   * against the book's text before layout, so a book without them never
   * reads the file.
   */
  triedFor: RegExp;
}

/**
 * The code points Noto Sans HK has and the Noto Sans TC cut lacks, measured
 * with fontkit on @expo-google-fonts 0.4.3 (tests/unit/pdf/fallback-faces.test.ts
 * keeps this list true): 岃, twelve CJK compatibility ideographs and 𰻞
 * (Extension G). Every Extension A and B character of the HK cut (574 and
 * 1,707) is in the TC cut already, so the HK face adds none of those.
 */
export const HK_ONLY_CODE_POINTS: readonly number[] = [
  0x5c83, 0xf904, 0xf908, 0xf90c, 0xf934, 0xf96d, 0xf97b, 0xf99d, 0xf9be, 0xf9d0, 0xf9d9, 0xf9e2, 0xf9e3, 0x30ede,
];

const HK_ONLY = `[${String.fromCodePoint(...HK_ONLY_CODE_POINTS)}]`;

/**
 * The chain, in the order it is tried: the Hong Kong cut, the emoji face,
 * then Hanazono Mincho A as the last CJK face before the replacement box.
 */
export const FALLBACK_CHAIN: readonly FallbackFace[] = [
  { role: 'hk', name: 'BNDFHK+NotoSansHK-Regular', triedFor: new RegExp(HK_ONLY, 'gu') },
  {
    role: 'emoji',
    name: 'BNDEMJ+NotoEmoji-Regular',
    // Pictographs and the pieces of emoji sequences (keycap, skin tones, flags, tags), not digits, # and *, nor the
    // joiner and variation selectors, which are never drawn on their own.
    triedFor: /(?![#*0-9\u200d\ufe0e\ufe0f])[\p{Extended_Pictographic}\p{Emoji_Component}]/gu,
  },
  {
    role: 'hanazono',
    name: 'BNDHMA+HanaMinA',
    // Any Han character the Sans TC cut lacks (5,609 of the unified block, Extension A and B characters), except the
    // ones Noto Sans HK draws: a 22.7 MB file, read only when nothing earlier has the character.
    triedFor: new RegExp(`(?!${HK_ONLY})\\p{Script=Han}`, 'gu'),
  },
];

/** Any character some fallback face is tried for: most strings of a book have none, and one test skips them. */
const TRIED_BY_ANY = new RegExp(FALLBACK_CHAIN.map((face) => `(?:${face.triedFor.source})`).join('|'), 'u');

/** The fallback faces some text needs, in chain order: each tried for a character that `lacks` says the book's face has not. */
export function fallbacksNeeded(texts: readonly string[], lacks: (codePoint: number) => boolean): FallbackFace[] {
  const needed = new Set<FallbackFace>();
  for (const text of texts) {
    if (!TRIED_BY_ANY.test(text)) continue;
    for (const face of FALLBACK_CHAIN) {
      if (needed.has(face)) continue;
      for (const [char] of text.matchAll(face.triedFor)) {
        if (!lacks(char.codePointAt(0)!)) continue;
        needed.add(face);
        break;
      }
    }
  }
  return FALLBACK_CHAIN.filter((face) => needed.has(face));
}

/**
 * Every string of a document the PDF may draw: metadata, chapters and parts.
 * It takes ids, paths and URLs too: a fallback loaded for nothing is never
 * embedded, while a character missed here would be drawn as a box. SVG
 * images are left out: pdf-lib's drawSvg sets their text in the book faces
 * only (src/pdf/svg.ts).
 */
export function documentTexts(doc: BookDocument): string[] {
  const texts: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') texts.push(value);
    else if (Array.isArray(value)) for (const item of value) visit(item);
    else if (value && typeof value === 'object' && !(value instanceof Date) && !ArrayBuffer.isView(value)) for (const item of Object.values(value)) visit(item);
  };
  visit(doc.meta);
  visit(doc.chapters);
  visit(doc.parts);
  return texts;
}
