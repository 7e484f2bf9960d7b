import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadCliFonts } from '../../../src/cli/fonts.ts';
import { MemorySource } from '../../../src/content/source.ts';
import { buildBook } from '../../../src/pipeline/build.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';

/**
 * Boxes kept together (a heading's lines with what follows, a part's title
 * with its first chapter) move to the next page as one. A chain taller than
 * a page cannot: each of its boxes went on a page of its own, as the rest
 * never fit below it. A book of 60 chapters without parts had its contents
 * chained entry to entry: one entry per page.
 */
const CHAPTERS = 60;
let dir: string;
let pages: string[];

beforeAll(async () => {
  const chapters = Array.from({ length: CHAPTERS }, (_, i) => `articles/${String(i + 1).padStart(2, '0')}.md`);
  const files = new Map<string, string>([
    ['book.yaml', `title: Chains\nlanguage: en\nauthors: [A]\ndate: 2024-01-01\nchapters:\n${chapters.map((c) => `  - ${c}\n`).join('')}`],
    ...chapters.map((c, i) => [c, `---\ntitle: Chapter number ${i + 1}\n---\n\nText of chapter ${i + 1}.\n`] as [string, string]),
  ]);
  // The last chapter opens with a heading of some 2,800 characters: about 60 lines, more than a page holds.
  files.set(chapters[CHAPTERS - 1], `---\ntitle: Last\n---\n\n## ${'heading words '.repeat(200)}\n\nAfter the heading.\n`);
  const fonts = await loadCliFonts();
  const { files: built } = await buildBook(new MemorySource('chains', files), { formats: ['pdf'], fonts: async () => fonts });
  dir = mkdtempSync(join(tmpdir(), 'bindery-chains-'));
  writeFileSync(join(dir, 'book.pdf'), built[0].bytes);
  pages = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', join(dir, 'book.pdf'), '-'], { encoding: 'utf8' }).split('\f');
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeWithTools([TOOLS.poppler], 'boxes kept together', () => {
  it('sets a contents of 60 chapters on full pages, not one entry per page', () => {
    const contents = pages.filter((page) => /Chapter number \d+ \.*/.test(page) && !page.includes('Text of chapter'));
    const entries = contents.map((page) => page.match(/Chapter number \d+/g)!.length);
    expect(entries.reduce((a, b) => a + b, 0)).toBe(CHAPTERS - 1); // the last is titled Last
    expect(contents.length).toBeLessThanOrEqual(4);
  });

  it('sets a heading taller than a page on as few pages as its lines fill', () => {
    const withHeading = pages.filter((page) => page.includes('heading words'));
    expect(withHeading.map((page) => page.split('heading words').length - 1).reduce((a, b) => a + b, 0)).toBe(200);
    expect(withHeading.length).toBeLessThanOrEqual(4);
    expect(pages.findIndex((page) => page.includes('After the heading.')) - pages.findIndex((page) => page.includes('heading words'))).toBeLessThanOrEqual(4);
  });
});
