import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { AI_TRAINING_CRAWLERS } from '../../../src/http/tdm.ts';
import { publishFixture } from './fixtures.ts';

const BASE = 'https://bindery.test';
const get = (path: string, init?: RequestInit) => SELF.fetch(`${BASE}${path}`, init);
/** The deployment's policy, set in vitest.config.ts as TDM_POLICY; TDM_RESERVATION is wrangler.toml's "reserved". */
const DEPLOYMENT_POLICY = 'https://bindery.test/terms/tdm';
const BOOK_POLICY = 'https://press.example/licensing';

const tdmOf = (res: Response) => ({ reservation: res.headers.get('tdm-reservation'), policy: res.headers.get('tdm-policy') });
const RESERVED = { reservation: '1', policy: DEPLOYMENT_POLICY };

beforeAll(async () => {
  await publishFixture({ slug: 'tdm-default', title: 'Default', language: 'en', publishedAt: '2025-04-01T10:00:00.000Z' });
  await publishFixture({ slug: 'tdm-open', title: 'Open Data Handbook', language: 'en', publishedAt: '2025-04-02T10:00:00.000Z', tdm: { reservation: false } });
  await publishFixture({ slug: 'tdm-own-policy', title: 'Own Policy', language: 'en', publishedAt: '2025-04-03T10:00:00.000Z', tdm: { reservation: true, policy: BOOK_POLICY } });
});

describe('TDMRep headers on everything Bindery serves', () => {
  it.each([
    ['the storefront catalog', '/'],
    ['the OPDS catalog', '/opds'],
    ['the public book list', '/api/v1/books'],
    ['a missing page', '/books/no-such-book'],
    ['the health check', '/healthz'],
  ])('%s states the deployment’s reservation and policy', async (_label, path) => {
    expect(tdmOf(await get(path))).toEqual(RESERVED);
  });

  it.each([
    ['book page', '/books/{slug}'],
    ['book metadata', '/api/v1/books/{slug}'],
    ['cover', '/api/v1/books/{slug}/cover'],
    ['free sample', '/api/v1/books/{slug}/sample.epub'],
    ['OPDS publication', '/opds/books/{slug}'],
  ])('the %s states its own book’s reservation', async (_label, path) => {
    const at = (slug: string) => get(path.replace('{slug}', slug));
    const open = await at('tdm-open');
    expect(open.status).toBe(200);
    expect(tdmOf(open)).toEqual({ reservation: '0', policy: null });
    expect(tdmOf(await at('tdm-own-policy'))).toEqual({ reservation: '1', policy: BOOK_POLICY });
    expect(tdmOf(await at('tdm-default'))).toEqual(RESERVED);
  });

  it('keeps them on a 304 revalidation of a sample', async () => {
    const first = await get('/api/v1/books/tdm-open/sample.epub');
    await first.arrayBuffer();
    const again = await get('/api/v1/books/tdm-open/sample.epub', { headers: { 'If-None-Match': first.headers.get('etag')! } });
    expect(again.status).toBe(304);
    expect(tdmOf(again)).toEqual({ reservation: '0', policy: null });
  });
});

describe('Each book’s reservation in the public API and OPDS', () => {
  it('is in the API item and the OPDS publication', async () => {
    const book = (await (await get('/api/v1/books/tdm-own-policy')).json()) as { tdm: unknown };
    expect(book.tdm).toEqual({ reserved: true, policy: BOOK_POLICY });
    const open = (await (await get('/api/v1/books/tdm-open')).json()) as { tdm: unknown };
    expect(open.tdm).toEqual({ reserved: false, policy: null });
    const publication = (await (await get('/opds/books/tdm-default')).json()) as { metadata: { tdm: unknown } };
    expect(publication.metadata.tdm).toEqual({ reservation: 'all', policy: DEPLOYMENT_POLICY });
  });
});

describe('/.well-known/tdmrep.json', () => {
  it('gives the books that differ their own rules, before the deployment’s catch-all', async () => {
    const res = await get('/.well-known/tdmrep.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const rules = (await res.json()) as { location: string; 'tdm-reservation': number; 'tdm-policy'?: string }[];
    expect(rules).toContainEqual({ location: '/api/v1/books/tdm-open/*', 'tdm-reservation': 0 });
    expect(rules).toContainEqual({ location: '/books/tdm-open', 'tdm-reservation': 0 });
    expect(rules).toContainEqual({ location: '/api/v1/books/tdm-own-policy/*', 'tdm-reservation': 1, 'tdm-policy': BOOK_POLICY });
    expect(rules.some((r) => r.location.includes('tdm-default'))).toBe(false);
    expect(rules.at(-1)).toEqual({ location: '/*', 'tdm-reservation': 1, 'tdm-policy': DEPLOYMENT_POLICY });
  });
});

describe('/robots.txt', () => {
  it('keeps AI-training crawlers from book files and samples, and leaves the storefront to search engines', async () => {
    const res = await get('/robots.txt');
    expect(res.status).toBe(200);
    const text = await res.text();
    const groups = text.split(/\n\s*\n/).map((g) => g.split('\n').filter((l) => !l.startsWith('#')));
    const trainers = groups.find((g) => g.includes('User-agent: GPTBot'))!;
    for (const bot of AI_TRAINING_CRAWLERS) expect(trainers).toContain(`User-agent: ${bot}`);
    expect(trainers).toEqual(expect.arrayContaining(['Disallow: /api/v1/books/', 'Disallow: /download/', 'Disallow: /opds/']));
    expect(trainers).not.toContain('Disallow: /');
    const everyone = groups.find((g) => g.includes('User-agent: *'))!;
    expect(everyone).toContain('Allow: /');
    expect(everyone).toEqual(expect.arrayContaining(['Disallow: /library/', 'Disallow: /download/']));
    expect(everyone).not.toContain('Disallow: /books/');
  });
});
