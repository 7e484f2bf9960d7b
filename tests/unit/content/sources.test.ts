import { describe, expect, it } from 'vitest';
import { ArticleIds } from '../../../src/content/article-ids.ts';
import { loadBook } from '../../../src/content/load.ts';
import type { BookManifest } from '../../../src/content/manifest.ts';
import type { BookSource, SourceArticle } from '../../../src/content/source.ts';
import { BinderyError } from '../../../src/errors.ts';

/** A source shaped like the pool: a manifest that was never text, articles by id. */
function poolSource(manifest: BookManifest, articles: Record<string, SourceArticle>): BookSource {
  return {
    name: 'pool-book',
    manifest: async () => ({ manifest, lineOf: () => undefined }),
    article: async (id) => articles[id] ?? null,
    read: async () => null,
  };
}

const META = { title: 'Pool', language: 'en', authors: ['A'], date: '2025-01-01', tags: [], page: 'a5' as const };

describe('loading a book from a source that names articles by id', () => {
  it('takes the validated manifest as it is and each article at the path its source gives', async () => {
    const book = await loadBook(
      poolSource({ ...META, chapters: [{ article: 'p/one', sample: true }, { part: 'Two', chapters: ['p/two'] }] }, {
        'p/one': { path: 'p/articles/one.md', markdown: '---\ntitle: One\n---\nText\n' },
        'p/two': { path: 'p/articles/two.md', markdown: '---\ntitle: Two\n---\nText\n' },
      }),
    );
    expect(book.slug).toBe('pool-book');
    expect(book.chapters.map((c) => [c.article.file, c.part, c.sample])).toEqual([
      ['p/articles/one.md', undefined, true],
      ['p/articles/two.md', 'Two', false],
    ]);
  });

  it('names a missing article by its manifest field, without a line when the manifest was never text', async () => {
    const error = await loadBook(poolSource({ ...META, chapters: ['p/none'] }, {})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BinderyError);
    expect((error as BinderyError).where).toEqual({ file: 'book.yaml', line: undefined, field: 'chapters.0' });
  });

  it('locates a front matter error at the path the source gives the article', async () => {
    const source = poolSource({ ...META, chapters: ['p/bad'] }, { 'p/bad': { path: 'p/articles/bad.md', markdown: '---\ntitle: Bad\ndate: soon\n---\n' } });
    const error = (await loadBook(source).catch((e: unknown) => e)) as BinderyError;
    expect(error.where).toMatchObject({ file: 'p/articles/bad.md', line: 3, field: 'date' });
  });
});

describe('article ids', () => {
  it('names a book folder’s articles <slug>/<stem> and maps locations both ways, leaving book.yaml alone', () => {
    const ids = ArticleIds.forBookFolder('tides', ['articles/01-one.md', 'more/02-two.md']);
    expect(ids.id('more/02-two.md')).toBe('tides/02-two');
    expect(ids.toId({ file: 'articles/01-one.md', line: 4 })).toEqual({ file: 'tides/01-one', line: 4 });
    expect(ids.toPath({ file: 'tides/02-two', line: 2, field: 'image' })).toEqual({ file: 'more/02-two.md', line: 2, field: 'image' });
    expect(ids.toId({ file: 'book.yaml', line: 1 })).toEqual({ file: 'book.yaml', line: 1 });
  });

  it('refuses two files that would become one article id', () => {
    expect(() => ArticleIds.forBookFolder('tides', ['a/01.md', 'b/01.md'])).toThrowError(/"b\/01\.md" and "a\/01\.md" would both become article "tides\/01"/);
  });
});
