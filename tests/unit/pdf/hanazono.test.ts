import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCliFonts } from '../../../src/cli/fonts.ts';
import { MemorySource } from '../../../src/content/source.ts';
import type { FallbackRole, FontSet } from '../../../src/formats/writer.ts';
import { buildBook, type BuildResult } from '../../../src/pipeline/build.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';
import { inkOf, renderedWords } from '../../support/pgm.ts';

/**
 * Issue 11, glyph coverage: Han characters that neither Noto Sans TC nor
 * Noto Sans HK has (Extension B, Extension A, the unified block) are drawn
 * from Hanazono Mincho A (Debian's fonts-hanazono), the last CJK face before
 * the box; without that package they stay boxes and the warning says how to
 * install it.
 */

/**
 * The edge-case book's rare characters: two of Extension B, one written in
 * Japanese (𩸽), one of Extension A, one unified; and 赟, the simplified
 * character the 100-chapter bench book has.
 */
const RARE = ['𠀀', '𪚥', '𩸽', '㐀', '靐', '赟'];
/** The blocks of Hanazono Mincho A those are in, each read once (𠀁 shares 𠀀's). */
const BLOCKS_READ = ['hanazono U+3400', 'hanazono U+8C00', 'hanazono U+9400', 'hanazono U+20000', 'hanazono U+29C00', 'hanazono U+2A400'];
/** Extension B, in Hanazono Mincho B only: still a box, with no face to install for it. */
const BEYOND = '𠀁';

function book(slug: string): MemorySource {
  return new MemorySource(
    slug,
    new Map([
      ['book.yaml', `title: 罕用字\nslug: ${slug}\nlanguage: zh-Hant\nauthors: [編輯室]\ndate: 2025-10-15\nchapters:\n  - articles/01.md\n`],
      ['articles/01.md', `---\ntitle: 缺字\n---\n\n罕用字 ${[...RARE, BEYOND].join(' ')} 完\n`],
    ]),
  );
}

/** What the writer read: each fallback face or block (`hanazono U+8C00`), with its size. */
type Reads = Map<string, number>;

/** The CLI's fonts, recording which fallback faces (and blocks) the writer reads; `absent` ones read as not installed. */
function recordingFonts(fonts: FontSet, read: Reads, absent: FallbackRole[] = []): () => Promise<FontSet> {
  return async () => ({
    ...fonts,
    fallback: async (role, block) => {
      const bytes = absent.includes(role) ? undefined : await fonts.fallback(role, block);
      const name = block === undefined ? role : `${role} U+${block.toString(16).toUpperCase()}`;
      expect(read.has(name), `${name} is read once`).toBe(false);
      read.set(name, bytes?.length ?? 0);
      return bytes;
    },
  });
}

const boxWarnings = (result: BuildResult) => result.facts.warnings.filter((w) => /no font has a glyph/.test(w.message));

describe('a book with rare Han characters, built where fonts-hanazono is not installed', () => {
  it('draws them as boxes and warns, with file and line, how to get the face that has them', async () => {
    const read: Reads = new Map();
    const built = await buildBook(book('without-hanazono'), { formats: ['pdf'], fonts: recordingFonts(await loadCliFonts(), read, ['hanazono']) });
    expect([...read.keys()]).toEqual(BLOCKS_READ);
    const warnings = boxWarnings(built);
    expect(warnings.map((w) => w.message.match(/"(.+?)"/)![1])).toEqual([...RARE, BEYOND]);
    for (const warning of warnings) {
      expect(warning).toMatchObject({ file: 'articles/01.md', line: 5 });
      expect(warning.message).toMatch(/drawn as a box: HanaMinA\.ttf is not installed \(apt-get install fonts-hanazono; a Worker reads it from R2 under fonts\/HanaMinA\/\)$/);
    }
  }, 60_000);
});

describeWithTools([TOOLS.qpdf, TOOLS.poppler, TOOLS.hanazono], 'a PDF with rare Han characters drawn from Hanazono Mincho A', () => {
  const work = mkdtempSync(join(tmpdir(), 'bindery-hanazono-'));
  const file = join(work, 'rare.pdf');
  const read: Reads = new Map();
  let built: BuildResult;

  beforeAll(async () => {
    built = await buildBook(book('hanazono'), { formats: ['pdf'], fonts: recordingFonts(await loadCliFonts(), read) });
    writeFileSync(file, built.files[0].bytes);
  }, 60_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });

  it('reads only the blocks of HanaMinA holding the characters, each once: 1.5 MB of the 22.7 MB face', () => {
    expect([...read.keys()]).toEqual(BLOCKS_READ);
    const bytes = [...read.values()];
    for (const size of bytes) expect(size).toBeGreaterThan(10_000);
    expect(bytes.reduce((a, b) => a + b, 0)).toBeLessThan(2_000_000);
  });

  it('embeds each block as a subset and passes qpdf --check', () => {
    const rows = run('pdffonts', [file]).trim().split('\n').slice(2).map((row) => row.trim().split(/\s+/));
    const hanazono = rows.filter((cells) => /^BNDH[A-Z]{2}\+HanaMinA$/.test(cells[0]));
    expect(hanazono.map((cells) => cells[0]).sort()).toEqual(['BNDHAN', 'BNDHBJ', 'BNDHBL', 'BNDHEY', 'BNDHGL', 'BNDHGN'].map((tag) => `${tag}+HanaMinA`));
    for (const cells of hanazono) expect(cells.slice(-5, -2)).toEqual(['yes', 'yes', 'yes']);
    const check = run('qpdf', ['--check', file]);
    expect(check).toContain('No syntax or stream encoding errors found');
    expect(check).not.toMatch(/WARNING/i);
  });

  it('gives the characters back to text extraction', () => {
    const words = run('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-']).split(/\s+/);
    for (const char of [...RARE, BEYOND]) expect(words, char).toContain(char);
  });

  it('warns only about the character Hanazono Mincho A lacks, with nothing to install for it', () => {
    expect(boxWarnings(built).map((w) => w.message)).toEqual([`no font has a glyph for "${BEYOND}" (U+20001); drawn as a box`]);
  });

  it('draws each with a glyph of its own at 150 dpi, not the box', () => {
    const page = 4;
    const { image, boxes } = renderedWords(file, page, work, 150);
    const bitmaps = [...RARE, BEYOND].map((char) => {
      const box = boxes.get(char);
      expect(box, `${char} is on page ${page}`).toBeDefined();
      const bitmap = inkOf(image, box!);
      expect(bitmap.split('1').length - 1, `${char} has ink`).toBeGreaterThan(20);
      return bitmap;
    });
    // The last one is the box: every other bitmap differs from it and from each other.
    expect(new Set(bitmaps).size).toBe(RARE.length + 1);
  });
});
