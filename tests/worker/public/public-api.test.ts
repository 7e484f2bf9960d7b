import { SELF } from 'cloudflare:test';
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedCatalog } from './fixtures.ts';

const BASE = 'https://bindery.test';
const get = (path: string, headers: Record<string, string> = {}) => SELF.fetch(`${BASE}${path}`, { headers });

interface Item {
  slug: string;
  title: string;
  language: string;
  price: { amount: number; currency: string } | null;
  edition: { id: string; date: string; publishedAt: string };
  formats: { format: string; bytes: number; sha256: string; pages?: number }[];
  coverUrl: string;
  sampleUrl: string | null;
  url: string;
}
interface Page {
  items: Item[];
  next: string | null;
  nextUrl: string | null;
}

const MINE = new Set(['remote-newsroom', 'ai-video', 'style-guide', 'draft-book']);
const slugs = (page: Page) => page.items.map((b) => b.slug).filter((s) => MINE.has(s));

beforeAll(async () => {
  await seedCatalog();
});

describe('GET /api/v1/books', () => {
  it('lists only published books, newest first, with absolute links for each', async () => {
    const res = await get('/api/v1/books');
    expect(res.status).toBe(200);
    const page = (await res.json()) as Page;
    expect(slugs(page)).toEqual(['ai-video', 'remote-newsroom', 'style-guide']);
    const book = page.items.find((b) => b.slug === 'remote-newsroom')!;
    expect(book).toMatchObject({
      title: 'The Remote Newsroom Playbook',
      language: 'en',
      price: { amount: 12, currency: 'USD' },
      edition: { date: '2025-09-30', publishedAt: '2025-09-30T10:00:00.000Z' },
      coverUrl: `${BASE}/api/v1/books/remote-newsroom/cover`,
      sampleUrl: `${BASE}/api/v1/books/remote-newsroom/sample.epub`,
      url: `${BASE}/books/remote-newsroom`,
    });
    expect(book.formats).toEqual([{ format: 'epub', bytes: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
  });

  it('pages through the catalog with a cursor until next is null', async () => {
    const seen: string[] = [];
    let url: string | null = '/api/v1/books?limit=1';
    let pages = 0;
    while (url && pages < 20) {
      const res = await get(url.replace(BASE, ''));
      const page = (await res.json()) as Page;
      expect(page.items.length).toBeLessThanOrEqual(1);
      seen.push(...slugs(page));
      if (page.next) expect(res.headers.get('link')).toContain('rel="next"');
      url = page.nextUrl;
      pages++;
    }
    expect(url).toBeNull();
    expect(seen).toEqual(['ai-video', 'remote-newsroom', 'style-guide']);
  });

  it('filters by tag, by language prefix and by Chinese or English words', async () => {
    const list = async (query: string) => slugs((await (await get(`/api/v1/books?${query}`)).json()) as Page);
    expect(await list('tag=journalism')).toEqual(['ai-video', 'remote-newsroom']);
    expect(await list('lang=zh')).toEqual(['ai-video']);
    expect(await list('lang=zh-Hant')).toEqual(['ai-video']);
    expect(await list(`q=${encodeURIComponent('影片')}`)).toEqual(['ai-video']);
    expect(await list(`q=${encodeURIComponent('台灣新聞室')}`)).toEqual(['ai-video']);
    expect(await list('q=TIME%20ZONES')).toEqual(['remote-newsroom']);
    expect(await list('q=okafor')).toEqual(['remote-newsroom']);
    expect(await list('tag=journalism&lang=en')).toEqual(['remote-newsroom']);
  });

  it('refuses a limit above 100 and a forged cursor with problem+json', async () => {
    for (const query of ['limit=101', 'limit=0', 'cursor=not-a-cursor']) {
      const res = await get(`/api/v1/books?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const body = (await res.json()) as { status: number; field: string };
      expect(body.status).toBe(400);
      expect(['limit', 'cursor']).toContain(body.field);
    }
  });

  it('is cacheable and readable cross-origin, and answers a matching If-None-Match with 304', async () => {
    const res = await get('/api/v1/books', { Origin: 'https://partner.example' });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cache-control')).toMatch(/public.*s-maxage=\d+/);
    const tag = res.headers.get('etag');
    expect(tag).toMatch(/^"[^"]+"$/);
    const again = await get('/api/v1/books', { 'If-None-Match': tag!, Origin: 'https://partner.example' });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(tag);
    expect(again.headers.get('cache-control')).toBe(res.headers.get('cache-control'));
    expect(again.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('answers the CORS preflight a browser sends before a conditional cross-origin GET', async () => {
    for (const path of ['/api/v1/books', '/api/v1/books/ai-video', '/opds/publications']) {
      const res = await SELF.fetch(`${BASE}${path}`, {
        method: 'OPTIONS',
        headers: { Origin: 'https://partner.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'if-none-match' },
      });
      expect(res.status, path).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-allow-methods')).toContain('GET');
      expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('if-none-match');
    }
  });
});

describe('GET /api/v1/books/{slug}', () => {
  it('adds the table of contents by part and the edition history', async () => {
    const res = await get('/api/v1/books/ai-video');
    expect(res.status).toBe(200);
    const book = (await res.json()) as Item & {
      toc: { part: string | null; chapters: { id: string; title: string; headings: { text: string }[] }[] }[];
      editions: { id: string; date: string }[];
    };
    expect(book.title).toBe('生成式影片工具實戰手冊');
    expect(book.toc.map((p) => [p.part, p.chapters.map((c) => c.title)])).toEqual([
      [null, ['生成式影片的現況', '工作流程']],
      ['Part Two', ['比較', '成本']],
    ]);
    expect(book.toc[0].chapters[0].headings.map((h) => h.text)).toEqual(['First section', 'Second section']);
    expect(book.editions).toEqual([{ id: book.edition.id, date: '2025-10-15', publishedAt: '2025-10-15T10:00:00.000Z', removedArticles: 0 }]);
  });

  it('answers unknown and unpublished books with a 404 problem', async () => {
    for (const slug of ['no-such-book', 'draft-book']) {
      const res = await get(`/api/v1/books/${slug}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});

describe('covers and samples', () => {
  it('serves the free EPUB sample with only the sample chapter, ungated', async () => {
    const res = await get('/api/v1/books/remote-newsroom/sample.epub');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/epub+zip');
    expect(res.headers.get('cache-control')).toContain('public');
    const zip = unzipSync(new Uint8Array(await res.arrayBuffer()));
    expect(new TextDecoder().decode(zip.mimetype)).toBe('application/epub+zip');
    const text = Object.entries(zip)
      .filter(([name]) => name.endsWith('.xhtml'))
      .map(([, bytes]) => new TextDecoder().decode(bytes))
      .join('\n');
    expect(text).toContain('Opening words of Getting started');
    expect(text).not.toContain('Opening words of Checking facts');
    const tag = res.headers.get('etag')!;
    expect((await get('/api/v1/books/remote-newsroom/sample.epub', { 'If-None-Match': tag })).status).toBe(304);
  });

  it('answers a missing PDF sample with a 404 problem', async () => {
    const res = await get('/api/v1/books/remote-newsroom/sample.pdf');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it("serves the edition's own cover image, or a typographic SVG cover when there is none", async () => {
    const stored = await get('/api/v1/books/ai-video/cover');
    expect(stored.status).toBe(200);
    expect(stored.headers.get('content-type')).toBe('image/png');
    expect([...new Uint8Array(await stored.arrayBuffer()).slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);

    const generated = await get('/api/v1/books/remote-newsroom/cover');
    expect(generated.headers.get('content-type')).toContain('image/svg+xml');
    const svg = await generated.text();
    expect(svg).toContain('<svg');
    expect(svg).toContain('The Remote Newsroom Playbook');

    const png = await get('/api/v1/books/remote-newsroom/cover.png');
    expect(png.headers.get('content-type')).toBe('image/png');
    expect([...new Uint8Array(await png.arrayBuffer()).slice(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
  });
});
