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
  /**
   * For a face stored in blocks of FACE_BLOCK_SIZE code points, the first
   * code point of each block it has: a book reads only the blocks holding
   * its characters (src/cli/face-blocks.ts cuts them).
   */
  blocks?: ReadonlySet<number>;
}

/** A fallback face a book needs: for a face stored in blocks, one entry per block holding a character it lacks. */
export interface NeededFallback {
  face: FallbackFace;
  block?: number;
}

/** Code points per block of a face stored in blocks: Hanazono Mincho A's 86 blocks are 153 bytes to 654 KB (22.7 MB whole). */
export const FACE_BLOCK_SIZE = 0x400;

export const blockOf = (codePoint: number): number => codePoint - (codePoint % FACE_BLOCK_SIZE);

/**
 * The PDF font name of one block of a face stored in blocks: the subset tag's
 * last two letters count the block (0x8C00 is block 35: `BNDHBJ+HanaMinA`),
 * so each block is a font of its own and builds stay byte-identical.
 */
export function blockFaceName(face: FallbackFace, block: number): string {
  const index = block / FACE_BLOCK_SIZE;
  const letter = (n: number) => String.fromCharCode(65 + n);
  return `${face.name.slice(0, 4)}${letter(Math.floor(index / 26) % 26)}${letter(index % 26)}${face.name.slice(6)}`;
}

/** Every block start in these [first, end) code point ranges. */
function blocksIn(ranges: readonly [number, number][]): ReadonlySet<number> {
  const blocks = new Set<number>();
  for (const [first, end] of ranges) for (let block = first; block < end; block += FACE_BLOCK_SIZE) blocks.add(block);
  return blocks;
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
    // The blocks HanaMinA (fonts-hanazono 20170904) has such characters in, from radicals to the compatibility
    // supplement (tests/unit/pdf/face-blocks.test.ts keeps this true).
    blocks: blocksIn([
      [0x2c00, 0xa000],
      [0xf800, 0xfc00],
      [0x20000, 0x2d000],
      [0x2d400, 0x2d800],
      [0x2e000, 0x2e800],
      [0x2f800, 0x2fc00],
    ]),
  },
];

/** Any character some fallback face is tried for: most strings of a book have none, and one test skips them. */
const TRIED_BY_ANY = new RegExp(FALLBACK_CHAIN.map((face) => `(?:${face.triedFor.source})`).join('|'), 'u');

/** Each face with a non-global copy of its pattern, to test one character at a time. */
const CHAIN_TESTS = FALLBACK_CHAIN.map((face) => ({ face, triedFor: new RegExp(face.triedFor.source, 'u') }));

/**
 * The fallback faces some text needs, in chain order: each tried for a
 * character that `lacks` says the book's face has not; a face stored in
 * blocks once per block holding such a character (blocks it does not have
 * are not read: their characters stay boxes). Each distinct character is
 * looked at once: a 300,000-character book has ~4,000.
 */
export function fallbacksNeeded(texts: readonly string[], lacks: (codePoint: number) => boolean): NeededFallback[] {
  const needed = new Map<FallbackFace, Set<number>>();
  const seen = new Set<number>();
  for (const text of texts) {
    if (!TRIED_BY_ANY.test(text)) continue;
    // By code point, without a string per character: a book's every character passes here.
    for (let i = 0; i < text.length; ) {
      const codePoint = text.codePointAt(i)!;
      i += codePoint > 0xffff ? 2 : 1;
      if (seen.has(codePoint)) continue;
      seen.add(codePoint);
      if (!lacks(codePoint)) continue;
      const char = String.fromCodePoint(codePoint);
      const block = blockOf(codePoint);
      for (const { face, triedFor } of CHAIN_TESTS) {
        if (!triedFor.test(char) || (face.blocks && !face.blocks.has(block))) continue;
        let blocks = needed.get(face);
        if (!blocks) needed.set(face, (blocks = new Set()));
        blocks.add(block);
      }
    }
  }
  return FALLBACK_CHAIN.flatMap((face) => {
    const blocks = needed.get(face);
    if (!blocks) return [];
    return face.blocks ? [...blocks].sort((a, b) => a - b).map((block) => ({ face, block })) : [{ face }];
  });
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
