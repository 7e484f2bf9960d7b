import type { Warning } from '../errors.ts';
import { inlineText, type Block, type Chapter } from './model.ts';
import { walkBlocks } from './parse.ts';

/**
 * Characters that the fonts of common reading systems lack, so an EPUB
 * reader may see a box: rare Han outside the BMP's unified block, emoji, and
 * private-use code points. The build keeps them (the text stays searchable)
 * and warns once per chapter, at the first line each appears, so an editor
 * can replace or explain them. The PDF embeds its own faces, fallbacks
 * included (src/pdf/fallback-faces.ts): its writer warns only for a
 * character none of them has.
 */
const RARE: { name: string; test: (cp: number) => boolean }[] = [
  { name: 'CJK Extension A', test: (cp) => cp >= 0x3400 && cp <= 0x4dbf },
  { name: 'CJK Extension B or later', test: (cp) => (cp >= 0x20000 && cp <= 0x2f7ff) || (cp >= 0x30000 && cp <= 0x3ffff) },
  { name: 'CJK compatibility supplement', test: (cp) => cp >= 0x2f800 && cp <= 0x2fa1f },
  { name: 'emoji', test: (cp) => ((cp >= 0x2300 && cp <= 0x2bff) || (cp >= 0x1f000 && cp <= 0x1faff)) && EMOJI.test(String.fromCodePoint(cp)) },
  { name: 'private use', test: (cp) => (cp >= 0xe000 && cp <= 0xf8ff) || cp >= 0xf0000 },
];
/** Emoji shown as pictures by default (not ©, ® or digits, which fonts draw as text). */
const EMOJI = /\p{Emoji_Presentation}/u;

/** Warnings naming the rare characters of one chapter, with the line each first appears on. */
export function rareCharacterWarnings(chapter: Chapter): Warning[] {
  const found = new Map<string, { kind: string; line: number }>();
  const scan = (text: string, firstLine: number) => {
    let line = firstLine;
    // By code point, without making a string of each character: only the rare ones become one.
    for (let i = 0; i < text.length; i++) {
      const cp = text.codePointAt(i)!;
      if (cp > 0xffff) i++;
      if (cp === 0x0a) line++;
      // Most of a book: Latin, CJK punctuation, the unified ideographs, full-width forms.
      if (cp < 0x2300 || (cp >= 0x3000 && cp < 0x3400) || (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xff00 && cp <= 0xffef)) continue;
      const ch = String.fromCodePoint(cp);
      if (found.has(ch)) continue;
      const kind = RARE.find((r) => r.test(cp));
      if (kind) found.set(ch, { kind: kind.name, line });
    }
  };
  walkBlocks(chapter.blocks, (block) => {
    for (const [text, line] of blockTexts(block)) scan(text, line);
  });
  const byLine = new Map<number, string[]>();
  for (const [ch, { kind, line }] of found) byLine.set(line, [...(byLine.get(line) ?? []), `${ch} (U+${ch.codePointAt(0)!.toString(16).toUpperCase()}, ${kind})`]);
  return [...byLine].map(([line, chars]) => ({
    file: chapter.file,
    line,
    message: `${chars.join(', ')}: most reading systems' fonts lack ${chars.length > 1 ? 'these; they' : 'this; it'} may show as a box in the EPUB`,
  }));
}

/**
 * The text a block itself holds, each piece with its source line (nested
 * blocks are visited on their own): a hard break or a code line moves to the
 * next line, a table row sits below the header and its delimiter row.
 */
function blockTexts(block: Block): [string, number][] {
  switch (block.type) {
    case 'heading':
    case 'paragraph':
      return [[inlineText(block.children), block.line]];
    case 'table':
      return [
        ...block.header.map((cell): [string, number] => [inlineText(cell), block.line]),
        ...block.rows.flatMap((row, i) => row.map((cell): [string, number] => [inlineText(cell), block.line + 2 + i])),
      ];
    case 'code':
      // The value starts on the line after the opening fence.
      return [[block.value, block.line + 1]];
    case 'definitionList':
      return block.items.flatMap((item) => item.terms.map((term, i): [string, number] => [inlineText(term), item.line + i]));
    default:
      return [];
  }
}
