import { env, SELF } from 'cloudflare:test';
import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { DownloadLinks } from '../../../src/commerce/download-links.ts';
import { readStamp } from '../../../src/stamp/read.ts';
import { BOOK_TITLE, buy, deliverWebhook, downloadUrl, libraryOf, publishBook, refundEvent, type PublishedBook } from './fixtures.ts';
import { hexOf, pageContents } from './pdf-text.ts';

const links = new DownloadLinks('test-signing-key');
let book: PublishedBook;
let other: PublishedBook;

beforeAll(async () => {
  book = await publishBook('dl-book');
  other = await publishBook('dl-other');
});

const tokenOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);
const orderFor = (sessionId: string) => env.DB.prepare('SELECT id FROM orders WHERE id = ?').bind(sessionId).first<{ id: string }>();

async function expectForbidden(res: Response, reason: RegExp) {
  expect(res.status).toBe(403);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.headers.get('content-disposition')).toBeNull();
  const body = (await res.json()) as { detail: string };
  expect(body.detail).toMatch(reason);
}

describe('downloads with a good link', () => {
  it('streams a stamped EPUB with its type, UTF-8 filename, ETag, and keeps the stamped copy in R2', async () => {
    const { sessionId, email } = await buy(book.slug);
    const library = await libraryOf(sessionId);
    const res = await SELF.fetch(downloadUrl(library, book.slug, 'epub'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/epub+zip');
    const disposition = res.headers.get('content-disposition')!;
    expect(disposition).toContain(`filename="${book.slug}.epub"`);
    expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent(`${BOOK_TITLE}.epub`)}`);
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{64}"$/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const files = unzipSync(bytes);
    const licencePage = Object.entries(files).find(([name]) => name.endsWith('bindery-licence.xhtml'));
    expect(strFromU8(licencePage![1])).toContain(`Licensed to ${email} · order ${sessionId.slice(-10)}`);
    expect(await readStamp(bytes)).toMatchObject({ format: 'epub', orderId: sessionId });

    const stored = await env.BOOKS.get(`orders/${sessionId}/${book.buildId}/${book.slug}.epub`);
    expect(stored).not.toBeNull();
    const again = await SELF.fetch(downloadUrl(library, book.slug, 'epub'));
    expect(again.headers.get('etag')).toBe(res.headers.get('etag'));
    expect(new Uint8Array(await again.arrayBuffer())).toEqual(bytes);
  });

  it('stamps the licence line into the footer of every PDF page and the order id into its metadata', async () => {
    const { sessionId, email } = await buy(book.slug);
    const res = await SELF.fetch(downloadUrl(await libraryOf(sessionId), book.slug, 'pdf'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const bytes = new Uint8Array(await res.arrayBuffer());
    const pages = await pageContents(bytes);
    expect(pages.length).toBeGreaterThan(1);
    const needle = hexOf(`Licensed to ${email} · order ${sessionId.slice(-10)}`);
    for (const [i, content] of pages.entries()) expect(content.includes(needle), `page ${i + 1}`).toBe(true);
    expect(await readStamp(bytes)).toMatchObject({ format: 'pdf', orderId: sessionId });
  });

  it('answers byte ranges with 206 and out-of-range requests with 416', async () => {
    const { sessionId } = await buy(book.slug);
    const url = downloadUrl(await libraryOf(sessionId), book.slug, 'pdf');
    const whole = new Uint8Array(await (await SELF.fetch(url)).arrayBuffer());
    const part = await SELF.fetch(url, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${whole.length}`);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(whole.slice(100, 200));
    const tail = await SELF.fetch(url, { headers: { range: 'bytes=-50' } });
    expect(tail.status).toBe(206);
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(whole.slice(-50));
    const outside = await SELF.fetch(url, { headers: { range: `bytes=${whole.length}-` } });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe(`bytes */${whole.length}`);
  });

  it('logs every download with a hash of the client IP, not the IP itself', async () => {
    const { sessionId } = await buy(book.slug);
    await (await SELF.fetch(downloadUrl(await libraryOf(sessionId), book.slug, 'epub'), { headers: { 'cf-connecting-ip': '203.0.113.7' } })).arrayBuffer();
    const log = await env.DB.prepare('SELECT format, build_id, ip_hash FROM downloads WHERE order_id = ?').bind(sessionId).all<Record<string, string>>();
    expect(log.results).toEqual([{ format: 'epub', build_id: book.buildId, ip_hash: expect.stringMatching(/^[0-9a-f]{32}$/) }]);
    expect(log.results[0].ip_hash).not.toContain('203.0.113.7');
  });
});

describe('downloads that get nothing', () => {
  it('refuses an expired link', async () => {
    const { sessionId } = await buy(book.slug);
    const token = await links.sign({ orderId: sessionId, slug: book.slug, format: 'epub', buildId: book.buildId, expiresAt: Math.floor(Date.now() / 1000) - 1 });
    await expectForbidden(await SELF.fetch(`https://bindery.test/download/${token}`), /expired/);
  });

  it('refuses a link whose signature was tampered with', async () => {
    const { sessionId } = await buy(book.slug);
    const url = downloadUrl(await libraryOf(sessionId), book.slug, 'epub');
    const token = tokenOf(url);
    const flipped = token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.at(-1);
    await expectForbidden(await SELF.fetch(url.replace(token, flipped)), /not valid/);
  });

  it('refuses a link whose claims were edited to point at another book', async () => {
    const { sessionId } = await buy(book.slug);
    const token = tokenOf(downloadUrl(await libraryOf(sessionId), book.slug, 'epub'));
    const [body, signature] = token.split('.');
    const claims = JSON.parse(atob(body.replace(/-/g, '+').replace(/_/g, '/')));
    const edited = btoa(JSON.stringify({ ...claims, s: other.slug })).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    await expectForbidden(await SELF.fetch(`https://bindery.test/download/${edited}.${signature}`), /not valid/);
  });

  it('refuses a genuinely signed link for a book the order did not buy', async () => {
    const { sessionId } = await buy(book.slug);
    const token = await links.sign({ orderId: sessionId, slug: other.slug, format: 'epub', buildId: other.buildId, expiresAt: Math.floor(Date.now() / 1000) + 600 });
    await expectForbidden(await SELF.fetch(`https://bindery.test/download/${token}`), /did not buy/);
  });

  it("refuses a genuinely signed link naming another book's edition", async () => {
    const { sessionId } = await buy(book.slug);
    const token = await links.sign({ orderId: sessionId, slug: book.slug, format: 'epub', buildId: other.buildId, expiresAt: Math.floor(Date.now() / 1000) + 600 });
    await expectForbidden(await SELF.fetch(`https://bindery.test/download/${token}`), /edition/);
  });

  it('refuses downloads once the order is refunded, even with a link issued before', async () => {
    const { sessionId } = await buy(book.slug);
    const url = downloadUrl(await libraryOf(sessionId), book.slug, 'pdf');
    expect(await orderFor(sessionId)).not.toBeNull();
    await deliverWebhook(refundEvent(`pi_${sessionId}`));
    await expectForbidden(await SELF.fetch(url), /refunded/);
  });

  it('refuses the download after DOWNLOAD_LIMIT downloads of one format and edition, with a clear message', async () => {
    const { sessionId } = await buy(book.slug);
    const library = await libraryOf(sessionId);
    const url = downloadUrl(library, book.slug, 'epub');
    for (let i = 0; i < 10; i++) expect((await SELF.fetch(url)).status, `download ${i + 1}`).toBe(200);
    const resumed = await SELF.fetch(url, { headers: { range: 'bytes=10-' } });
    expect(resumed.status).toBe(206);
    await resumed.arrayBuffer();
    await expectForbidden(await SELF.fetch(url), /download limit reached.*limit 10/);
    expect((await SELF.fetch(downloadUrl(library, book.slug, 'pdf'))).status).toBe(200);
  });
});
