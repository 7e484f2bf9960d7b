import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { api, article, enc, json, PNG, putArticle } from './api.ts';

describe('article pool', () => {
  it('creates, replaces, reads and deletes an article sent as Markdown', async () => {
    const id = 'crud/01-intro';
    const created = await json(await api('PUT', `/articles/${enc(id)}`, { body: article('Intro', { tags: ['a', 'b'], date: '2025-02-01' }) }), 201);
    expect(created).toMatchObject({ id, title: 'Intro', tags: ['a', 'b'], date: '2025-02-01' });
    const replaced = await json(await api('PUT', `/articles/${enc(id)}`, { body: { markdown: article('Intro, revised', { tags: ['b'] }) } }), 200);
    expect(replaced).toMatchObject({ title: 'Intro, revised', tags: ['b'] });
    const read = await json(await api('GET', `/articles/${enc(id)}`), 200);
    expect(read.markdown).toContain('title: Intro, revised');
    expect((await api('DELETE', `/articles/${enc(id)}`)).status).toBe(204);
    expect((await api('GET', `/articles/${enc(id)}`)).status).toBe(404);
  });

  it('answers a front-matter error with problem+json naming the article, line and field', async () => {
    const res = await api('PUT', `/articles/${enc('bad/front')}`, { body: '---\ntitle: Fine\ndate: yesterday\n---\nText\n' });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = await res.json<{ file: string; line: number; field: string; detail: string }>();
    expect(body).toMatchObject({ file: 'bad/front', line: 3, field: 'date' });
    expect(body.detail).toMatch(/^bad\/front:3: /);
  });

  it('rejects a malformed id and a JSON body without markdown with 400', async () => {
    expect((await api('PUT', `/articles/${enc('../etc')}`, { body: article('x') })).status).toBe(400);
    const res = await api('PUT', `/articles/${enc('ok/id')}`, { body: { text: 'nope' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('stores an image under its content address and refuses bytes that are not an image', async () => {
    await putArticle('img/01', article('With image', {}, '![dot](../images/dot.png)\n'));
    const stored = await json(await api('PUT', `/articles/${enc('img/01')}/assets/${enc('../images/dot.png')}`, { body: PNG }), 201);
    expect(stored.mediaType).toBe('image/png');
    expect(await env.BOOKS.head(`assets/${stored.sha256}`)).not.toBeNull();
    const res = await api('PUT', `/articles/${enc('img/01')}/assets/${enc('../images/evil.png')}`, { body: new TextEncoder().encode('#!/bin/sh\n') });
    expect(res.status).toBe(422);
    expect((await api('PUT', `/articles/${enc('img/missing')}/assets/x.png`, { body: PNG })).status).toBe(404);
  });

  it('refuses an SVG nested deeper than any drawing with 422 (400,000 groups took 46 s to parse, then were dropped unseen)', async () => {
    await putArticle('svg/01', article('With a drawing', {}, '![deep](../images/deep.svg)\n'));
    const depth = 400_000;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg">${'<g>'.repeat(depth)}<rect width="1"/>${'</g>'.repeat(depth)}</svg>`;
    const res = await api('PUT', `/articles/${enc('svg/01')}/assets/${enc('../images/deep.svg')}`, { body: new TextEncoder().encode(svg) });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ detail: expect.stringMatching(/nests elements more than 200 deep/) });
  });

  it('refuses a body over 20 MB with 413 problem+json', async () => {
    await putArticle('big/01', article('Big'));
    const res = await api('PUT', `/articles/${enc('big/01')}/assets/huge.png`, { body: new Uint8Array(21 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('lists articles filtered by tag, author, date range and title text, page by page', async () => {
    await putArticle('list/a', article('Alpha verification', { tags: ['osint'], author: 'Ana', date: '2025-01-10' }));
    await putArticle('list/b', article('Beta handoffs', { tags: ['osint', 'remote'], author: 'Ben', date: '2025-03-10' }));
    await putArticle('list/c', article('Gamma 100% verified', { tags: ['remote'], author: 'Ana', date: '2025-05-10' }));
    const ids = async (query: string) => (await json(await api('GET', `/articles?${query}`), 200)).items.map((a: { id: string }) => a.id);
    expect(await ids('tag=osint')).toEqual(['list/a', 'list/b']);
    expect(await ids('author=Ana')).toEqual(['list/a', 'list/c']);
    expect(await ids('from=2025-02-01&to=2025-04-01')).toEqual(['list/b']);
    expect(await ids('q=verif')).toEqual(['list/a', 'list/c']);
    expect(await ids('q=100%25')).toEqual(['list/c']);
    const first = await json(await api('GET', '/articles?tag=remote&limit=1'), 200);
    expect(first.items.map((a: { id: string }) => a.id)).toEqual(['list/b']);
    const second = await json(await api('GET', `/articles?tag=remote&limit=1&cursor=${enc(first.nextCursor)}`), 200);
    expect(second.items.map((a: { id: string }) => a.id)).toEqual(['list/c']);
    expect(second.nextCursor).toBeNull();
    expect((await api('GET', '/articles?from=last-week')).status).toBe(400);
  });

  it('finds articles by long title text: 200 CJK characters and 60 ASCII bytes, case-insensitively', async () => {
    const cjk = '長標題搜尋測試：編輯台在深夜核對每一段引述與出處。'.repeat(8).slice(0, 200);
    const ascii = 'Verification at the night desk, checked line by line, twice!';
    expect([cjk.length, new TextEncoder().encode(ascii).length]).toEqual([200, 60]);
    await putArticle('long/cjk', article(`前言 ${cjk} 完`));
    await putArticle('long/ascii', article(`Notes on ${ascii}`));
    const ids = async (q: string) => (await json(await api('GET', `/articles?q=${enc(q)}`), 200)).items.map((a: { id: string }) => a.id);
    expect(await ids(cjk)).toEqual(['long/cjk']);
    expect(await ids(ascii.toUpperCase())).toEqual(['long/ascii']);
    expect((await api('GET', `/articles?q=${enc(`${cjk}x`)}`)).status).toBe(400);
  });

  it('finds a Cyrillic or accented title by its words in either case (SQLite folds ASCII only)', async () => {
    await putArticle('fold/01', article('Репортаж из Москвы, Über die Grenze'));
    const ids = async (q: string) => (await json(await api('GET', `/articles?q=${enc(q)}`), 200)).items.map((a: { id: string }) => a.id);
    for (const q of ['москвы', 'МОСКВЫ', 'über', 'ÜBER']) expect(await ids(q), q).toEqual(['fold/01']);
  });
});
