import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { loadCliFonts } from '../../../src/cli/fonts.ts';
import { MemorySource } from '../../../src/content/source.ts';
import { buildBook } from '../../../src/pipeline/build.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';
import { readObjects, type Value } from './structure-reader.ts';

/**
 * A transcript pasted without line breaks is one paragraph of hundreds of
 * thousands of characters, and a base64 blob one "word": odd, but an editor
 * may send them. The line breaker once spread every code point of a
 * paragraph into one call's arguments, which V8 refuses past ~120,000
 * ("Maximum call stack size exceeded"): the build failed. Such a word took
 * minutes to hyphenate, and a link as long minutes to annotate.
 */
const PARAGRAPH = '長段落測試，'.repeat(30_000);
const WORD = 'a'.repeat(150_000);

const dir = mkdtempSync(join(tmpdir(), 'bindery-long-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The PDF of a book of `chapters` (article name → Markdown), written to a file. */
async function pdfOf(slug: string, language: string, chapters: Record<string, string>): Promise<string> {
  const names = Object.keys(chapters);
  const files = new Map([
    ['book.yaml', `title: ${slug}\nlanguage: ${language}\nauthors: [A]\ndate: 2024-01-01\nchapters:\n${names.map((name) => `  - articles/${name}.md\n`).join('')}`],
    ...names.map((name) => [`articles/${name}.md`, chapters[name]] as [string, string]),
  ]);
  const fonts = await loadCliFonts();
  const { files: built } = await buildBook(new MemorySource(slug, files), { formats: ['pdf'], fonts: async () => fonts });
  const file = join(dir, `${slug}.pdf`);
  writeFileSync(file, built[0].bytes);
  return file;
}

describeWithTools([TOOLS.poppler, TOOLS.qpdf], 'a very long paragraph', () => {
  it('is set in full, as is a word of 150,000 letters', async () => {
    const file = await pdfOf('long', 'zh-Hant', {
      long: `---\ntitle: 長\n---\n\n${PARAGRAPH}\n`,
      word: `---\ntitle: Word\nlang: en\n---\n\nBefore ${WORD} after.\n`,
    });
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    expect(text.split('長段落測試').length - 1).toBe(30_000);
    // The word is cut where it overflows each line, and running headers come between its pages: its letters are all there.
    expect(text.split('a').length - 1).toBe(WORD.length + 1); // and after's
  }, 120_000);

  it('makes a link of 20,000 characters, and a bare URL as long, one action each and a bounded description per line', async () => {
    const url = `https://example.com/${'u'.repeat(20_000)}`;
    const file = await pdfOf('links', 'en', { links: `---\ntitle: Links\n---\n\n[${'l'.repeat(20_000)}](https://example.com/a)\n\n${url}\n` });
    const objects = readObjects(file);
    const annotations = objects.pages
      .flatMap((page) => ((objects.get(page) as Record<string, Value>)['/Annots'] as Value[] | undefined) ?? [])
      .map((ref) => objects.get(ref) as Record<string, Value>)
      .filter((annotation) => annotation['/A']); // not the contents page's links into the book
    // Each of the hundreds of lines of the two links is an annotation.
    expect(annotations.length).toBeGreaterThan(100);
    expect(new Set(annotations.map((a) => a['/A'])).size).toBe(2);
    const uris = [...new Set(annotations.map((a) => a['/A']))].map((ref) => (objects.get(ref) as Record<string, Value>)['/URI']);
    expect(uris).toEqual(['u:https://example.com/a', `u:${url}`]);
    for (const annotation of annotations) expect((annotation['/Contents'] as string).length).toBeLessThanOrEqual('u:'.length + 1001);
  }, 120_000);
});
