import { describe, expect, it } from 'vitest';
import { parseArticle } from '../../../src/content/article.ts';
import { loadBook } from '../../../src/content/load.ts';
import { MemorySource } from '../../../src/content/source.ts';
import { BinderyError } from '../../../src/errors.ts';

const MANIFEST = `title: 測試之書
language: zh-Hant
authors: [測試小組]
date: 2025-01-31
chapters:
  - articles/01.md
`;
const ARTICLE = '---\ntitle: 第一章\n---\n\n內文。\n';

function book(files: Record<string, string>): MemorySource {
  return new MemorySource('test-book', new Map(Object.entries({ 'book.yaml': MANIFEST, 'articles/01.md': ARTICLE, ...files })));
}

/** The located error a load fails with. */
async function loadError(source: MemorySource): Promise<BinderyError> {
  const error = await loadBook(source).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BinderyError);
  return error as BinderyError;
}

describe('loading book.yaml', () => {
  it('loads a valid book with the folder name as slug', async () => {
    const loaded = await loadBook(book({}));
    expect(loaded.slug).toBe('test-book');
    expect(loaded.chapters.map((c) => c.article.meta.title)).toEqual(['第一章']);
  });

  it('rejects an unknown field at its line, naming it', async () => {
    const error = await loadError(book({ 'book.yaml': MANIFEST.replace('date:', 'subtitel: 拼錯\ndate:') }));
    expect(error.where).toEqual({ file: 'book.yaml', line: 4, field: 'subtitel' });
    expect(error.message).toBe('unknown field "subtitel"');
  });

  it('rejects a manifest without a title', async () => {
    const error = await loadError(book({ 'book.yaml': MANIFEST.replace('title: 測試之書\n', '') }));
    expect(error.describe()).toBe('book.yaml:1: missing required field "title"');
  });

  it('rejects a date that is not YYYY-MM-DD at its line', async () => {
    const error = await loadError(book({ 'book.yaml': MANIFEST.replace('date: 2025-01-31', 'date: 31/01/2025') }));
    expect(error.where).toMatchObject({ file: 'book.yaml', line: 4, field: 'date' });
    expect(error.message).toContain('YYYY-MM-DD');
  });

  it('rejects a day that does not exist at its line (2025-13-45 crashed the build with "Invalid time value")', async () => {
    for (const day of ['2025-13-45', '2025-02-30', '0000-01-01']) {
      const error = await loadError(book({ 'book.yaml': MANIFEST.replace('date: 2025-01-31', `date: ${day}`) }));
      expect(error.where, day).toMatchObject({ file: 'book.yaml', line: 4, field: 'date' });
      expect(error.message, day).toContain('calendar date');
    }
    expect((await loadBook(book({ 'book.yaml': MANIFEST.replace('date: 2025-01-31', 'date: 2024-02-29') }))).manifest.date).toBe('2024-02-29');
  });

  it('rejects a title, author, tag or part of nothing visible at its line, and leaves out a blank optional field', async () => {
    const blank = [
      ['title: 測試之書', 'title: " "', 'title'],
      ['authors: [測試小組]', 'authors: ["\u200B"]', 'authors.0'],
      ['date: 2025-01-31', 'date: 2025-01-31\ntags: ["\t"]', 'tags.0'],
      ['  - articles/01.md', '  - part: "\u00AD"\n    chapters: [articles/01.md]', 'chapters.0.part'],
    ];
    for (const [from, to, field] of blank) {
      const error = await loadError(book({ 'book.yaml': MANIFEST.replace(from, to) }));
      expect(error.where.field, to).toBe(field);
      expect(error.message, to).toContain('visible text');
    }
    const chapter = await loadError(book({ 'articles/01.md': '---\ntitle: "\uFFFE\uFFFF"\n---\n\n內文。\n' }));
    expect(chapter.where).toMatchObject({ file: 'articles/01.md', line: 2, field: 'title' });
    const loaded = await loadBook(book({ 'book.yaml': MANIFEST.replace('date: 2025-01-31', 'date: 2025-01-31\nsubtitle: "  "\nrights: "\u0001"\ndescription: ""') }));
    expect([loaded.manifest.subtitle, loaded.manifest.rights, loaded.manifest.description]).toEqual([undefined, undefined, undefined]);
  });

  it('takes language tags with extension and private-use subtags (they were refused)', async () => {
    for (const tag of ['ja-JP-u-ca-japanese', 'en-x-house', 'zh-Hant-TW']) {
      expect((await loadBook(book({ 'book.yaml': MANIFEST.replace('language: zh-Hant', `language: ${tag}`) }))).manifest.language).toBe(tag);
    }
    expect((await loadError(book({ 'book.yaml': MANIFEST.replace('language: zh-Hant', 'language: zh_TW') }))).where.field).toBe('language');
  });

  it('points a missing chapter file at its entry in the chapter list', async () => {
    const error = await loadError(book({ 'book.yaml': `${MANIFEST}  - articles/02.md\n` }));
    expect(error.describe()).toBe('book.yaml:7: chapter file "articles/02.md" not found (field: chapters.1)');
  });

  it('refuses a chapter path that leaves the book folder', async () => {
    const error = await loadError(book({ 'book.yaml': MANIFEST.replace('articles/01.md', '../outside.md') }));
    expect(error.message).toContain('leaves the book folder');
  });
});

describe('article front matter', () => {
  it('reports a YAML syntax error at its line in the article file', () => {
    const text = '---\nauthor: 某人\ntitle: [unclosed\ndate: 2025-01-31\n---\n\n內文\n';
    expect(() => parseArticle('articles/02.md', text)).toThrowError(
      expect.objectContaining({ where: expect.objectContaining({ file: 'articles/02.md', line: 3 }) }),
    );
  });

  it('warns about an unknown front matter field at its line and keeps the article', () => {
    const text = '---\ntitle: 標題\nauther: 某人\n---\n\n內文\n';
    const article = parseArticle('articles/02.md', text);
    expect(article.meta.title).toBe('標題');
    expect(article.warnings).toEqual([expect.objectContaining({ file: 'articles/02.md', line: 3, message: expect.stringContaining('"auther"') })]);
  });

  it('accepts what CMS exports write: ISO timestamps as dates and tags as one comma-separated string', () => {
    const article = parseArticle('a.md', '---\ntitle: 標題\ndate: 2025-10-15T08:30:00+08:00\ntags: AI, 影片、新聞室\n---\n');
    expect(article.meta.date).toBe('2025-10-15');
    expect(article.meta.tags).toEqual(['AI', '影片', '新聞室']);
  });

  it('requires a title', () => {
    const text = '---\nauthor: 某人\n---\n\n內文\n';
    expect(() => parseArticle('a.md', text)).toThrowError('missing required field "title"');
  });

  it('requires front matter at all, pointing at line 1', () => {
    expect(() => parseArticle('a.md', '# 沒有 front matter\n')).toThrowError(expect.objectContaining({ where: expect.objectContaining({ file: 'a.md', line: 1 }) }));
  });

  it('rejects a bad article date at its line', () => {
    const text = '---\ntitle: 標題\ndate: yesterday\n---\n';
    expect(() => parseArticle('a.md', text)).toThrowError(expect.objectContaining({ where: expect.objectContaining({ line: 3, field: 'date' }) }));
  });

  it('knows the line where the Markdown body starts, so document nodes carry file lines', () => {
    const article = parseArticle('a.md', '---\ntitle: 標題\ntags: [a]\n---\n\n第一段\n');
    expect(article.bodyLine).toBe(5);
    expect(article.body).toBe('\n第一段\n');
  });
});
