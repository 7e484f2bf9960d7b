import { describe, expect, it } from 'vitest';
import { ArticleRepository } from '../../../src/catalog/articles.ts';
import { snapshotBook } from '../../../src/worker/snapshot.ts';
import { DEFAULT_TDM } from '../../../src/tdm.ts';
import { env } from 'cloudflare:test';
import { api, article, json, putArticle, putBook } from './api.ts';

describe('books and topic bundles', () => {
  it('creates, replaces, lists and reads a book whose chapters name pool articles', async () => {
    await putArticle('shelf/01', article('One'));
    await putArticle('shelf/02', article('Two'));
    const manifest = { title: 'Shelf', language: 'en', authors: ['A'], date: '2025-01-01', chapters: [{ article: 'shelf/01', sample: true }, { part: 'Rest', chapters: ['shelf/02'] }] };
    expect((await json(await api('PUT', '/books/shelf', { body: manifest }), 201)).slug).toBe('shelf');
    await json(await api('PUT', '/books/shelf', { body: { ...manifest, title: 'Shelf 2' } }), 200);
    const book = await json(await api('GET', '/editor/books/shelf'), 200);
    expect(book).toMatchObject({ slug: 'shelf', kind: 'book', title: 'Shelf 2', publishedBuildId: null, builds: [] });
    const list = await json(await api('GET', '/editor/books'), 200);
    expect(list.items.map((b: { slug: string }) => b.slug)).toContain('shelf');
    const snapshot = await snapshotBook(env.DB, 'shelf', DEFAULT_TDM);
    expect(snapshot.articles.map((a) => a.id)).toEqual(['shelf/01', 'shelf/02']);
  });

  it('rejects a manifest with an unknown field or a chapter that is not an article id with 400', async () => {
    const base = { title: 'X', language: 'en', authors: ['A'], date: '2025-01-01', chapters: ['x/1'] };
    const unknown = await json(await api('PUT', '/books/bad-manifest', { body: { ...base, subtitel: 'typo' } }), 400);
    expect(unknown.detail).toMatch(/subtitel/);
    const badChapter = await json(await api('PUT', '/books/bad-manifest', { body: { ...base, chapters: ['../escape'] } }), 400);
    expect(badChapter.field).toMatch(/^chapters\.0/);
    expect((await api('PUT', '/books/Bad_Slug', { body: base })).status).toBe(400);
  });

  it('refuses to turn a book into a bundle with 409', async () => {
    await putArticle('kind/01', article('One', { tags: ['kind'] }));
    await putBook('kind-clash', ['kind/01']);
    const res = await api('PUT', '/bundles/kind-clash', { body: { title: 'K', language: 'en', authors: ['A'], query: { tagsAny: ['kind'] } } });
    expect(res.status).toBe(409);
  });

  describe('bundle queries', () => {
    const seed = async () => {
      await putArticle('pool/a', article('A', { tags: ['ai', 'video'], date: '2025-03-01' }));
      await putArticle('pool/b', article('B', { tags: ['ai'], date: '2025-01-01' }));
      await putArticle('pool/c', article('C', { tags: ['video'], date: '2025-02-01' }));
      await putArticle('pool/d', article('D', { tags: ['law'] }));
    };
    const repo = () => new ArticleRepository(env.DB);

    it('matches any of the tags, ordered by date', async () => {
      await seed();
      expect(await repo().match({ tagsAny: ['ai', 'video'] }, 'date')).toEqual(['pool/b', 'pool/c', 'pool/a']);
      expect(await repo().match({ tagsAny: ['ai', 'video'] }, 'date-desc')).toEqual(['pool/a', 'pool/c', 'pool/b']);
    });

    it('matches all of the tags', async () => {
      await seed();
      expect(await repo().match({ tagsAll: ['ai', 'video'] }, 'date')).toEqual(['pool/a']);
    });

    it('matches explicit ids in the given order and undated articles last by date', async () => {
      await seed();
      expect(await repo().match({ articleIds: ['pool/d', 'pool/a', 'pool/nope'] }, 'given')).toEqual(['pool/d', 'pool/a']);
      expect(await repo().match({ articleIds: ['pool/d', 'pool/a'] }, 'date')).toEqual(['pool/a', 'pool/d']);
    });

    it('matches a date range', async () => {
      await seed();
      expect(await repo().match({ from: '2025-01-15', to: '2025-03-01' }, 'date')).toEqual(['pool/c', 'pool/a']);
    });

    it('resolves at build time, so a new matching article joins the next build', async () => {
      await seed();
      const bundle = { title: 'Moving pictures', language: 'en', authors: ['Desk'], price: { amount: 5, currency: 'usd' }, query: { tagsAny: ['video'] }, order: 'date' };
      expect((await json(await api('PUT', '/bundles/moving-pictures', { body: bundle }), 201)).kind).toBe('bundle');
      const before = await snapshotBook(env.DB, 'moving-pictures', DEFAULT_TDM);
      expect(before.articles.map((a) => a.id)).toEqual(['pool/c', 'pool/a']);
      expect(before.manifest.date).toBe('2025-03-01');
      await putArticle('pool/e', article('E', { tags: ['video'], date: '2025-04-01' }));
      const after = await snapshotBook(env.DB, 'moving-pictures', DEFAULT_TDM);
      expect(after.articles.map((a) => a.id)).toEqual(['pool/c', 'pool/a', 'pool/e']);
    });

    it('rejects a bundle without criteria and "given" order without ids with 400', async () => {
      const base = { title: 'T', language: 'en', authors: ['A'] };
      expect((await api('PUT', '/bundles/empty-query', { body: { ...base, query: {} } })).status).toBe(400);
      const res = await json(await api('PUT', '/bundles/given-order', { body: { ...base, query: { tagsAny: ['x'] }, order: 'given' } }), 400);
      expect(res.field).toBe('order');
    });
  });
});
