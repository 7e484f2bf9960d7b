import { describe, expect, it } from 'vitest';
import { buildBook } from '../../../src/pipeline/build.ts';
import { a11ySource } from './a11y-book.ts';
import { BOOKS, buildEpub, unzipText } from './epub-files.ts';

const noFonts = async () => {
  throw new Error('an EPUB build must not load fonts');
};

/** DPUB-ARIA role for each epub:type the writer emits; null where none exists or the element allows none. */
const ROLE_OF: Record<string, string | null> = {
  chapter: 'doc-chapter',
  part: 'doc-part',
  toc: 'doc-toc',
  cover: 'doc-cover',
  titlepage: null,
  'copyright-page': null,
  frontmatter: null,
  bodymatter: null,
  landmarks: null,
};

describe('accessible EPUB markup', () => {
  it('gives every element with an epub:type the matching DPUB-ARIA role, outside the landmarks list', async () => {
    const files = unzipText(await buildEpub(BOOKS.aiVideo));
    const seen = new Set<string>();
    for (const [path, xhtml] of files) {
      if (!path.endsWith('.xhtml')) continue;
      const outsideLandmarks = xhtml.replace(/<nav epub:type="landmarks"[\s\S]*?<\/nav>/, '<nav epub:type="landmarks"></nav>');
      for (const [tag] of outsideLandmarks.matchAll(/<[a-z]+ [^>]*epub:type="[^"]*"[^>]*>/g)) {
        const type = /epub:type="([^"]*)"/.exec(tag)![1];
        seen.add(type);
        expect(Object.keys(ROLE_OF), `${path}: unexpected epub:type "${type}"`).toContain(type);
        const role = ROLE_OF[type];
        if (role) expect(tag, path).toContain(`role="${role}"`);
        else expect(tag, path).not.toContain('role=');
      }
    }
    expect([...seen].sort()).toEqual(['bodymatter', 'chapter', 'cover', 'frontmatter', 'landmarks', 'part', 'titlepage', 'copyright-page', 'toc'].sort());
  });

  it('puts the cover type and role on the cover image, the one element doc-cover is allowed on', async () => {
    const cover = unzipText(await buildEpub(BOOKS.aiVideo)).get('EPUB/cover.xhtml')!;
    expect(cover).toMatch(/<img epub:type="cover" role="doc-cover" src="[^"]+" alt="生成式影片工具實戰手冊"\/>/);
  });

  it('marks table header cells as column headers', async () => {
    const xhtml = unzipText(await buildEpub(a11ySource({ markdown: '| Year | Cost |\n|---|--:|\n| 2024 | 1 |\n| 2025 | 2 |\n' }))).get('EPUB/ch01.xhtml')!;
    expect(xhtml).toContain('<thead><tr><th scope="col">Year</th><th scope="col" class="align-right">Cost</th></tr></thead>');
    // A first column of numbers is data, not the rows' names.
    expect(xhtml).toContain('<tr><td>2024</td><td class="align-right">1</td></tr>');
  });

  it('makes a first column of distinct names the row headers', async () => {
    const xhtml = unzipText(await buildEpub(a11ySource({ markdown: '| Tool | Cost |\n|---|--:|\n| Runway | 35 |\n| **Total** | 35 |\n' }))).get('EPUB/ch01.xhtml')!;
    expect(xhtml).toContain('<tr><th scope="row">Runway</th><td class="align-right">35</td></tr>');
    expect(xhtml).toContain('<tr><th scope="row"><strong>Total</strong></th><td class="align-right">35</td></tr>');
    const repeated = unzipText(await buildEpub(a11ySource({ markdown: '| Tool | Cost |\n|---|--:|\n| A | 1 |\n| A | 2 |\n' }))).get('EPUB/ch01.xhtml')!;
    expect(repeated).toContain('<tr><td>A</td><td class="align-right">1</td></tr>');
  });

  it('tags English words in Chinese text with their language, and leaves numbers and code alone', async () => {
    const markdown = '## 用 Runway Gen-3 生成\n\n先寫 brief，再寫 prompt；比例 9:16，`npm test` 照跑。\n\n| 工具 | 成本 |\n|---|---|\n| Sora | 35 |\n';
    const files = unzipText(await buildEpub(a11ySource({ language: 'zh-Hant', yaml: 'subtitle: 從 prompt 到發布\n', markdown })));
    const en = (words: string) => `<span lang="en" xml:lang="en">${words}</span>`;
    const chapter = files.get('EPUB/ch01.xhtml')!;
    expect(chapter).toContain(`>用 ${en('Runway Gen-3')} 生成</h2>`);
    expect(chapter).toContain(`<p>先寫 ${en('brief')}，再寫 ${en('prompt')}；比例 9:16，<code>npm test</code> 照跑。</p>`);
    expect(chapter).toContain(`<th scope="row">${en('Sora')}</th>`);
    expect(files.get('EPUB/titlepage.xhtml')).toContain(`<p class="subtitle">從 ${en('prompt')} 到發布</p>`);
    expect(files.get('EPUB/nav.xhtml')).toContain(`>用 ${en('Runway Gen-3')} 生成</a>`);
    // In an English book the same words are the book's own language.
    const english = unzipText(await buildEpub(a11ySource({ markdown: 'Write the brief, then the prompt.\n' }))).get('EPUB/ch01.xhtml')!;
    expect(english).toContain('<p>Write the brief, then the prompt.</p>');
    expect(english).not.toContain('<span lang=');
  });

  it('sets a captioned image as a figure with its figcaption', async () => {
    const xhtml = unzipText(await buildEpub(a11ySource({ markdown: '![A grey checker board](images/checker.png "Figure 1. The board")\n' }))).get('EPUB/ch01.xhtml')!;
    expect(xhtml).toMatch(/<figure class="figure"><img src="[^"]+" alt="A grey checker board" title="Figure 1. The board"[^>]*\/><figcaption>Figure 1. The board<\/figcaption><\/figure>/);
  });

  it('sets lang and xml:lang on the chapter root when the article language differs from the book', async () => {
    const other = unzipText(await buildEpub(a11ySource({ language: 'zh-Hant', lang: 'en', markdown: 'English words.\n' }))).get('EPUB/ch01.xhtml')!;
    expect(other).toMatch(/<html [^>]*xml:lang="en" lang="en">/);
    const same = unzipText(await buildEpub(a11ySource({ language: 'zh-Hant' }))).get('EPUB/ch01.xhtml')!;
    expect(same).toMatch(/<html [^>]*xml:lang="zh-Hant" lang="zh-Hant">/);
  });
});

describe('alt text warnings', () => {
  const warningsOf = async (markdown: string) =>
    (await buildBook(a11ySource({ markdown }), { formats: ['epub'], fonts: noFonts })).facts.warnings.filter((w) => /alt text/.test(w.message));

  it('warns with file and line about an image without alt text', async () => {
    // Front matter is lines 1–3 and a blank line 4: the image sits on line 7.
    const warnings = await warningsOf('Text.\n\n![](images/checker.png)\n');
    expect(warnings).toEqual([{ file: 'one.md', line: 7, message: expect.stringContaining('"images/checker.png" has no alt text') }]);
  });

  it.each(['checker.png', 'checker', 'Checker.PNG'])('warns when the alt text is the file name (%s)', async (alt) => {
    const warnings = await warningsOf(`![${alt}](images/checker.png)\n`);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ file: 'one.md', line: 5, message: expect.stringContaining('file name') });
  });

  it('warns about inline and HTML images too, and not about described ones', async () => {
    const warnings = await warningsOf('See ![](images/checker.png) here.\n\n<img src="images/checker.png">\n\n![A checker board](images/checker.png)\n');
    expect(warnings.map((w) => w.line)).toEqual([5, 7]);
  });

  it('raises no alt text warning for the sample books', async () => {
    for (const book of [BOOKS.aiVideo, BOOKS.newsroom]) {
      const { DirectorySource } = await import('../../../src/cli/directory-source.ts');
      const result = await buildBook(new DirectorySource(book), { formats: ['epub'], fonts: noFonts });
      expect(result.facts.warnings.filter((w) => /alt text/.test(w.message))).toEqual([]);
    }
  });
});
