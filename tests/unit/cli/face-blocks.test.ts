import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fontkit from '@cantoo/fontkit';
import { expect, it } from 'vitest';
import { faceBlocksDir } from '../../../src/cli/fonts.ts';
import { FALLBACK_CHAIN } from '../../../src/pdf/fallback-faces.ts';
import { blockFileName, type DebianFontFile, FALLBACK_FONT_FILES } from '../../../src/pdf/font-keys.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';

/**
 * Issue 15: Hanazono Mincho A (22.7 MB) is cut into blocks of 1,024 code
 * points once per machine, and a book reads only the blocks its characters
 * are in. A block must draw exactly what the whole face draws.
 */

interface Font {
  numGlyphs: number;
  characterSet: number[];
  glyphForCodePoint(codePoint: number): { id: number; advanceWidth: number; codePoints: number[]; path: { toSVG(): string } };
}
const open = (bytes: Uint8Array) => fontkit.create(bytes as never) as unknown as Font;

describeWithTools([TOOLS.hanazono], 'Hanazono Mincho A in blocks', () => {
  const font = FALLBACK_FONT_FILES.find((f): f is DebianFontFile => f.role === 'hanazono')!;
  const face = FALLBACK_CHAIN.find((f) => f.role === 'hanazono')!;

  it('is cut into exactly the blocks the fallback chain reads', async () => {
    const written = readdirSync(await faceBlocksDir(font)).sort();
    expect(written).toEqual([...face.blocks!].map(blockFileName).sort());
  });

  it('draws each character of a block with the whole face’s outline, advance and code point, and nothing from outside it', async () => {
    const dir = await faceBlocksDir(font);
    const whole = open(readFileSync(font.path));
    // 赟 (the bench book's), 靐 (unified), 㐀 (Extension A), 𪚥 (Extension B), 﨑 (compatibility).
    for (const char of ['赟', '靐', '㐀', '𪚥', '﨑']) {
      const codePoint = char.codePointAt(0)!;
      const block = open(readFileSync(join(dir, blockFileName(codePoint - (codePoint % 0x400)))));
      const [inBlock, inWhole] = [block.glyphForCodePoint(codePoint), whole.glyphForCodePoint(codePoint)];
      expect(inBlock.id, char).not.toBe(0);
      expect(inBlock.path.toSVG(), char).toBe(inWhole.path.toSVG());
      expect(inBlock.advanceWidth, char).toBe(inWhole.advanceWidth);
      expect(inBlock.codePoints, char).toEqual([codePoint]);
      expect(block.characterSet.every((cp) => cp - (cp % 0x400) === codePoint - (codePoint % 0x400) && /\p{Script=Han}/u.test(String.fromCodePoint(cp)))).toBe(true);
    }
  });
});
