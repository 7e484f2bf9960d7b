import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadCliFonts } from '../../../src/cli/fonts.ts';
import { MemorySource } from '../../../src/content/source.ts';
import { buildBook } from '../../../src/pipeline/build.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';
import { contentOf, elements, markedContent, readObjects, structText, textOf, type Value } from './structure-reader.ts';

const dir = mkdtempSync(join(tmpdir(), 'bindery-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const chapter = (title: string, frontMatter: string, body: string) => `---\ntitle: ${title}\n${frontMatter}---\n\n${body}\n`;

/** A Chinese book: a chapter with a source whose path is Chinese, an English one with a source, one whose source is not a web address. */
const book = new MemorySource(
  'sources',
  new Map<string, Uint8Array | string>([
    ['book.yaml', 'title: 出處\nlanguage: zh-Hant\nauthors: [編者]\ndate: 2025-06-28\nchapters:\n  - one.md\n  - two.md\n  - three.md\n'],
    ['one.md', chapter('第一章', 'author: 王小明\nsource: https://example.com/報導/2025?id=7\n', '正文。')],
    ['two.md', chapter('Two', 'lang: en\nsource: https://example.org/two\n', 'Body text.')],
    ['three.md', chapter('第三章', 'source: "javascript:alert(1)"\n', '正文。')],
  ]),
);

describeWithTools([TOOLS.qpdf, TOOLS.poppler], "An article's source (原文出處) in the PDF", () => {
  const file = join(dir, 'sources.pdf');
  let text: string;
  beforeAll(async () => {
    const fonts = await loadCliFonts();
    const built = await buildBook(book, { formats: ['pdf'], fonts: async () => fonts });
    writeFileSync(file, built.files[0].bytes);
    text = execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' });
  });

  it('prints the label and the readable URL under the byline, as the EPUB does', () => {
    expect(text).toMatch(/第一章\n王小明\n原文出處：https:\/\/example\.com\/報導\/2025\?id=7\n/);
    expect(text).toContain('原文出處：https://example.org/two');
  });

  it('prints no source that is not a web address', () => {
    expect(text).not.toContain('javascript');
    expect(text.match(/原文出處/g)).toHaveLength(2);
  });

  it('makes the URL a live link to the source', () => {
    const objects = readObjects(file);
    const actions = objects.pages.flatMap((page) => (((objects.get(page) as Record<string, Value>)['/Annots'] as Value[] | undefined) ?? []).map((ref) => (objects.get(ref) as Record<string, Value>)['/A']));
    // The contents page's links go to chapters (GoTo, no action); the rest open the sources.
    const uris = actions.filter(Boolean).map((action) => (objects.get(action) as Record<string, Value>)['/URI']);
    expect(uris).toEqual(['u:https://example.com/%E5%A0%B1%E5%B0%8E/2025?id=7', 'u:https://example.org/two']);
  });

  it('tags the source as a paragraph holding a Link, and the label in the book’s language inside an English chapter', () => {
    const sources = elements(structText(file), 'P').filter((p) => textOf(p).startsWith('原文出處'));
    expect(sources.map((p) => elements(p, 'Link').map(textOf))).toEqual([['https://example.com/報導/2025?id=7'], ['https://example.org/two']]);
    const objects = readObjects(file);
    const labels = objects.pages.flatMap((page) => markedContent(contentOf(objects, objects.get(page) as Record<string, Value>)).sequences).filter((s) => s.lang === 'zh-Hant');
    expect(labels).toHaveLength(1);
  });
});
