import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadCliFonts } from '../../../src/cli/fonts.ts';
import { MemorySource } from '../../../src/content/source.ts';
import { buildBook } from '../../../src/pipeline/build.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';

/**
 * A transcript pasted without line breaks is one paragraph of hundreds of
 * thousands of characters, and a base64 blob one "word": odd, but an editor
 * may send them. The line breaker once spread every code point of a
 * paragraph into one call's arguments, which V8 refuses past ~120,000
 * ("Maximum call stack size exceeded"): the build failed.
 */
const PARAGRAPH = '長段落測試，'.repeat(30_000);
const WORD = 'a'.repeat(150_000);

describeWithTools([TOOLS.poppler], 'a very long paragraph', () => {
  it('is set in full, as is a word of 150,000 letters', async () => {
    const source = new MemorySource(
      'long',
      new Map([
        ['book.yaml', 'title: Long\nlanguage: zh-Hant\nauthors: [A]\ndate: 2024-01-01\nchapters:\n  - articles/long.md\n  - articles/word.md\n'],
        ['articles/long.md', `---\ntitle: 長\n---\n\n${PARAGRAPH}\n`],
        ['articles/word.md', `---\ntitle: Word\nlang: en\n---\n\nBefore ${WORD} after.\n`],
      ]),
    );
    const fonts = await loadCliFonts();
    const { files } = await buildBook(source, { formats: ['pdf'], fonts: async () => fonts });
    const dir = mkdtempSync(join(tmpdir(), 'bindery-long-'));
    try {
      const file = join(dir, 'long.pdf');
      writeFileSync(file, files[0].bytes);
      const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 1 << 26 });
      expect(text.split('長段落測試').length - 1).toBe(30_000);
      // The word is cut where it overflows each line, and running headers come between its pages: its letters are all there.
      expect(text.split('a').length - 1).toBe(WORD.length + 1); // and after's
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
