import { describe, expect, it } from 'vitest';
import { loadBook } from '../../../src/content/load.ts';
import { MemorySource } from '../../../src/content/source.ts';
import { assembleBook } from '../../../src/document/assemble.ts';
import { sameTitle } from '../../../src/document/headings.ts';
import { inlineText, type Block } from '../../../src/document/model.ts';
import { parseMarkdown } from '../../../src/document/parse.ts';
import { reflowSource, SKIPPED_HEADING_LINE } from '../epub/reflow-book.ts';

function headings(blocks: readonly Block[]): string[] {
  return blocks.filter((b) => b.type === 'heading').map((b) => `h${b.level} ${inlineText(b.children)}`);
}

describe('chapter titles repeated by the first heading', () => {
  it('drops a first heading that repeats the front-matter title and lists the chapter once', async () => {
    const doc = await assembleBook(await loadBook(reflowSource()));
    const [tools] = doc.chapters;
    expect(tools.title).toBe('工具地圖');
    expect(headings(tools.blocks)).toEqual(['h2 第一節', 'h3 小節']);
    expect(tools.headings.map((h) => h.text)).toEqual(['第一節', '小節']);
  });

  it('compares titles after NFKC and whitespace normalisation', () => {
    expect(sameTitle('  工具  地圖 ', '工具地圖')).toBe(true);
    expect(sameTitle('ＡＩ：工具地圖', 'AI: 工具地圖')).toBe(true);
    expect(sameTitle('工具地圖（上）', '工具地圖')).toBe(false);
    const blocks = parseMarkdown('## ＡＩ：工具地圖\n\n### 一\n\n內容', 1, { title: 'AI: 工具地圖' });
    expect(headings(blocks)).toEqual(['h2 一']);
  });

  it('keeps a first heading that differs from the title, and a repeat that is not the first block', () => {
    expect(headings(parseMarkdown('# 導讀\n\n## 一', 1, { title: '工具地圖' }))).toEqual(['h2 導讀', 'h3 一']);
    expect(headings(parseMarkdown('前言。\n\n# 工具地圖', 1, { title: '工具地圖' }))).toEqual(['h2 工具地圖']);
  });
});

describe('heading levels under the chapter title', () => {
  it('shifts the remaining headings up so the hierarchy has no jumps', () => {
    const blocks = parseMarkdown('# 工具地圖\n\n## 一\n\n### 一之一\n\n#### 一之一之一\n\n## 二', 1, { title: '工具地圖' });
    expect(headings(blocks)).toEqual(['h2 一', 'h3 一之一', 'h4 一之一之一', 'h2 二']);
  });

  it('promotes an article that starts at h3 after the title, with a warning naming file and line', () => {
    const warnings: { file: string; line?: number; message: string }[] = [];
    const blocks = parseMarkdown('# 工具地圖\n\n### 一\n\n#### 一之一', 5, { title: '工具地圖', file: 'a/x.md', warn: (w) => warnings.push(w) });
    expect(headings(blocks)).toEqual(['h2 一', 'h3 一之一']);
    expect(warnings).toEqual([{ file: 'a/x.md', line: 7, message: expect.stringContaining('skips a level') }]);
  });

  it('sets h2 → h4 as h2 → h3, and h1 sections as h2', () => {
    expect(headings(parseMarkdown('## 一\n\n#### 跳\n\n### 回\n\n## 二'))).toEqual(['h2 一', 'h3 跳', 'h3 回', 'h2 二']);
    expect(headings(parseMarkdown('# 一\n\n## 一之一\n\n# 二'))).toEqual(['h2 一', 'h3 一之一', 'h2 二']);
    expect(headings(parseMarkdown('### 只有三級\n\n### 另一個'))).toEqual(['h2 只有三級', 'h2 另一個']);
  });

  it('warns with file and line where the source itself skips a level', async () => {
    const doc = await assembleBook(await loadBook(reflowSource()));
    const skips = doc.chapters[1];
    expect(headings(skips.blocks)).toEqual(['h2 開始', 'h3 跳過一級']);
    const warning = doc.warnings.find((w) => w.message.includes('跳過一級'));
    expect(warning).toMatchObject({ file: 'a/skips.md', line: SKIPPED_HEADING_LINE });
    expect(warning?.message).toMatch(/h2 to h4/);
    expect(doc.warnings.filter((w) => w.message.includes('skips a level'))).toHaveLength(1);
  });
});

describe('links to headings', () => {
  it('warns about a link to a heading the chapter does not have, naming the file, and still leads to the chapter', async () => {
    const source = new MemorySource(
      'links',
      new Map([
        ['book.yaml', 'title: Links\nlanguage: en\nauthors: [A]\ndate: 2025-01-01\nchapters:\n  - a/one.md\n  - a/two.md\n'],
        ['a/one.md', '---\ntitle: One\n---\n\nSee [there](two.md#second), [nowhere](two.md#nowhere) and [here](#nope).\n'],
        ['a/two.md', '---\ntitle: Two\n---\n\n## Second\n\nText.\n'],
      ]),
    );
    const doc = await assembleBook(await loadBook(source));
    expect(doc.warnings.map((w) => `${w.file}: ${w.message}`)).toEqual([
      'a/one.md: link "two.md#nowhere" names no heading of a/two.md; it leads to the start of that chapter',
      'a/one.md: link "#nope" names no heading of a/one.md; it leads to the start of that chapter',
    ]);
  });
});
