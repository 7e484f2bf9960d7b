import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fontkit from '@cantoo/fontkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadCliFonts } from '../../../src/cli/fonts.ts';
import { MemorySource } from '../../../src/content/source.ts';
import type { FallbackRole, FontSet } from '../../../src/formats/writer.ts';
import { HK_ONLY_CODE_POINTS } from '../../../src/pdf/fallback-faces.ts';
import { buildBook, type BuildResult } from '../../../src/pipeline/build.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';
import { inkOf, renderedWords } from '../../support/pgm.ts';

/**
 * Issue 11, glyph coverage: characters the book face (Noto Sans TC) lacks are
 * drawn from the first fallback face that has them — Noto Sans HK, then Noto
 * Emoji — each read only for a book that uses it and embedded as a subset.
 */

/** Drawn from the emoji face: a single code point, with VS16, a ZWJ sequence, a skin tone, a flag, a keycap. */
const EMOJI = ['😀', '❤️', '👩\u200d💻', '👍🏽', '🇹🇼', '1️⃣'];
/** Extension B characters written in Hong Kong (the TC cut has them), an Extension A one, and the two the HK face adds. */
const HAN = ['𡃁', '𨋢', '𠝹', '𥄫', '㗎', '𰻞', '岃'];
/** No face has it (an Egyptian hieroglyph, not Han, so no CJK face is read for it): still a box, with its text kept. */
const MISSING = '𓀀';

function book(slug: string, text: string): MemorySource {
  return new MemorySource(
    slug,
    new Map([
      ['book.yaml', `title: 字型備援\nslug: ${slug}\nlanguage: zh-Hant\nauthors: [編輯室]\ndate: 2025-10-15\nchapters:\n  - articles/01.md\n`],
      ['articles/01.md', `---\ntitle: 缺字\n---\n\n${text}\n`],
    ]),
  );
}
const WITH_FALLBACKS = book('fallbacks', `香港用字 ${[...HAN, ...EMOJI, MISSING].join(' ')} 完`);
/** ⚠ and © are in the book face; the variation selector after ⚠ needs no face of its own. */
const WITHOUT_FALLBACKS = book('plain', '只有常用字、標點與符號：⚠️ © ™ 123。');

/** The CLI's fonts, recording which fallback faces the writer reads. */
function recordingFonts(fonts: FontSet, read: FallbackRole[]): () => Promise<FontSet> {
  return async () => ({ ...fonts, fallback: (role) => (read.push(role), fonts.fallback(role)) });
}

describe('the fallback chain', () => {
  it('tries Noto Sans HK only for the characters it has beyond the Noto Sans TC cut, which include no Extension A or B character', async () => {
    const fonts = await loadCliFonts();
    const charactersOf = (bytes: Uint8Array) => new Set((fontkit.create(bytes as never) as unknown as { characterSet: number[] }).characterSet);
    const tc = charactersOf(fonts.regular);
    const hk = charactersOf((await fonts.fallback('hk'))!);
    expect([...hk].filter((cp) => !tc.has(cp)).sort((a, b) => a - b)).toEqual(HK_ONLY_CODE_POINTS);
    const extensionAOrB = (cp: number) => (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x20000 && cp <= 0x2a6df);
    expect(HK_ONLY_CODE_POINTS.filter(extensionAOrB)).toEqual([]);
  });

  it('reads no font for an EPUB-only build of a book with emoji and rare Han', async () => {
    const fonts = vi.fn(() => Promise.reject(new Error('an EPUB needs no fonts')));
    await buildBook(WITH_FALLBACKS, { formats: ['epub'], fonts });
    expect(fonts).not.toHaveBeenCalled();
  });
});

describeWithTools([TOOLS.qpdf, TOOLS.poppler], 'a PDF with emoji and rare Han', () => {
  const work = mkdtempSync(join(tmpdir(), 'bindery-fallback-'));
  const withFile = join(work, 'with.pdf');
  const withoutFile = join(work, 'without.pdf');
  const readWith: FallbackRole[] = [];
  const readWithout: FallbackRole[] = [];
  let built: BuildResult;

  beforeAll(async () => {
    const fonts = await loadCliFonts();
    built = await buildBook(WITH_FALLBACKS, { formats: ['pdf'], fonts: recordingFonts(fonts, readWith) });
    writeFileSync(withFile, built.files[0].bytes);
    writeFileSync(withoutFile, (await buildBook(WITHOUT_FALLBACKS, { formats: ['pdf'], fonts: recordingFonts(fonts, readWithout) })).files[0].bytes);
  }, 60_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });
  const fontsOf = (file: string) =>
    run('pdffonts', [file])
      .trim()
      .split('\n')
      .slice(2)
      .map((row) => {
        const cells = row.trim().split(/\s+/);
        return { name: cells[0], embedded: cells.at(-5), subset: cells.at(-4), unicode: cells.at(-3) };
      });

  it('embeds Noto Sans HK and Noto Emoji as subsets, each read once', () => {
    expect(fontsOf(withFile)).toEqual(
      expect.arrayContaining([
        { name: 'BNDFHK+NotoSansHK-Regular', embedded: 'yes', subset: 'yes', unicode: 'yes' },
        { name: 'BNDEMJ+NotoEmoji-Regular', embedded: 'yes', subset: 'yes', unicode: 'yes' },
      ]),
    );
    expect(readWith).toEqual(['hk', 'emoji']);
    const check = run('qpdf', ['--check', withFile]);
    expect(check).toContain('No syntax or stream encoding errors found');
    expect(check).not.toMatch(/WARNING/i);
  });

  it('gives back every character to text extraction, the variation selector of ❤️ dropped', () => {
    const words = run('pdftotext', ['-raw', '-enc', 'UTF-8', withFile, '-']).split(/\s+/);
    for (const char of [...HAN, ...EMOJI.map((e) => (e === '❤️' ? '❤' : e)), MISSING]) expect(words, char).toContain(char);
  });

  it('draws each covered character with a glyph of its own, not the box drawn for a character no face has', () => {
    const page = 4;
    const { image, boxes } = renderedWords(withFile, page, work, 150);
    const wanted = [...HAN, ...EMOJI.map((e) => (e === '❤️' ? '❤' : e)), MISSING];
    const bitmaps = wanted.map((char) => {
      const box = boxes.get(char);
      expect(box, `${char} is on page ${page}`).toBeDefined();
      const bitmap = inkOf(image, box!);
      expect(bitmap.split('1').length - 1, `${char} has ink`).toBeGreaterThan(20);
      return bitmap;
    });
    expect(new Set(bitmaps).size).toBe(wanted.length);
    expect(built.facts.warnings.filter((w) => /no font has a glyph/.test(w.message)).map((w) => w.message)).toEqual([`no font has a glyph for "${MISSING}" (U+13000); drawn as a box`]);
  });

  it('warns for the EPUB, not the PDF, about characters reading systems lack', () => {
    const rare = built.facts.warnings.filter((w) => /may show as a box/.test(w.message));
    expect(rare.length).toBeGreaterThan(0);
    for (const warning of rare) expect(warning.message).toMatch(/may show as a box in the EPUB$/);
  });

  it('is byte-identical when built twice', async () => {
    const again = await buildBook(WITH_FALLBACKS, { formats: ['pdf'], fonts: loadCliFonts });
    expect(Buffer.compare(Buffer.from(again.files[0].bytes), Buffer.from(built.files[0].bytes))).toBe(0);
  });

  it('reads and embeds no fallback face for a book without such characters', () => {
    expect(readWithout).toEqual([]);
    expect(fontsOf(withoutFile).map((f) => f.name)).not.toEqual(expect.arrayContaining([expect.stringMatching(/NotoSansHK|NotoEmoji/)]));
  });
});
