import { env, SELF } from 'cloudflare:test';
import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { DownloadLinks } from '../../../src/commerce/download-links.ts';
import { stampPlanKey } from '../../../src/commerce/downloads.ts';
import { editionFileKey } from '../../../src/catalog/editions.ts';
import { markKeyOf, sha256Hex } from '../../../src/crypto.ts';
import { readMarks } from '../../../src/formats/read-stamp.ts';
import { admin, BOOK_TITLE, buy, deliverWebhook, downloadUrl, libraryOf, publishBook, purchaseIdOf, refundEvent, type PublishedBook } from './fixtures.ts';
import { everyObjectText, hexOf, pageContents } from './pdf-text.ts';

const links = new DownloadLinks('test-signing-key');
let book: PublishedBook;
let other: PublishedBook;

beforeAll(async () => {
  book = await publishBook('dl-book');
  other = await publishBook('dl-other');
});

const tokenOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);

async function expectForbidden(res: Response, reason: RegExp) {
  expect(res.status).toBe(403);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.headers.get('content-disposition')).toBeNull();
  const body = (await res.json()) as { detail: string };
  expect(body.detail).toMatch(reason);
}

describe('downloads with a good link', () => {
  it("names the purchase, never Stripe's session or payment ids, anywhere in a stamped file", async () => {
    const buyer = await buy(book.slug);
    const library = await libraryOf(buyer);
    const epub = new Uint8Array(await (await SELF.fetch(downloadUrl(library, book.slug, 'epub'))).arrayBuffer());
    const pdf = new Uint8Array(await (await SELF.fetch(downloadUrl(library, book.slug, 'pdf'))).arrayBuffer());
    const epubText = [new TextDecoder('latin1').decode(epub), ...Object.values(unzipSync(epub)).map((entry) => strFromU8(entry))].join('\n');
    const pdfText = await everyObjectText(pdf);
    const purchaseId = await purchaseIdOf(buyer, book.slug);
    for (const [name, text] of [['EPUB', epubText], ['PDF', pdfText]]) {
      expect(text, name).toContain(purchaseId);
      expect(text, name).not.toContain(buyer.sessionId);
      expect(text, name).not.toContain(buyer.paymentIntent);
      expect(text, name).not.toMatch(/\bcs_(test|live)_/);
    }
  });

  it('stamps again, in the keyed code, a copy kept from before the code had a key, and keeps when it was first stamped', async () => {
    const { library, purchaseId, key } = await buyerWithOlderCopy('a copy whose marks carry a CRC-16');
    const res = await SELF.fetch(downloadUrl(library, book.slug, 'epub'));
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(await readMarks(bytes, { markKey: await markKeyOf(env.SIGNING_KEY) })).toMatchObject({ kind: 'epub', purchases: [{ purchaseId, layers: ['metadata', 'text', 'visible'], unkeyedLayers: [] }] });
    const row = await env.DB.prepare(`SELECT mark_code, size, created_at FROM stamped_files WHERE order_id = ? AND format = 'epub'`).bind(purchaseId).first();
    expect(row).toEqual({ mark_code: 'keyed', size: bytes.length, created_at: '2026-01-02T03:04:05.000Z' });
    expect(new Uint8Array(await (await env.BOOKS.get(key))!.arrayBuffer())).toEqual(bytes);
  });

  it('sends the whole new copy to a download resumed with If-Range naming the copy it replaced, and the range when If-Range still matches', async () => {
    // The buyer's client fetched the first 10 bytes of the older copy, and its ETag, then the store was deployed.
    const { library, olderSha } = await buyerWithOlderCopy('0123456789 the rest of a copy whose marks carry a CRC-16');
    const resumed = await SELF.fetch(downloadUrl(library, book.slug, 'epub'), { headers: { range: 'bytes=10-', 'if-range': `"${olderSha}"` } });
    expect(resumed.status).toBe(200);
    expect(resumed.headers.get('content-range')).toBeNull();
    const whole = new Uint8Array(await resumed.arrayBuffer());
    expect(strFromU8(whole.subarray(0, 2))).toBe('PK');
    const etag = resumed.headers.get('etag')!;
    expect(etag).toBe(`"${await sha256Hex(whole)}"`);
    const matching = await SELF.fetch(downloadUrl(library, book.slug, 'epub'), { headers: { range: 'bytes=10-', 'if-range': etag } });
    expect(matching.status).toBe(206);
    expect(new Uint8Array(await matching.arrayBuffer())).toEqual(whole.subarray(10));
    // A weak validator or a date never matches a strong ETag: the whole file.
    const weak = await SELF.fetch(downloadUrl(library, book.slug, 'epub'), { headers: { range: 'bytes=10-', 'if-range': `W/${etag}` } });
    expect(weak.status).toBe(200);
    await weak.arrayBuffer();
  });

  it('streams a stamped EPUB with its type, UTF-8 filename, ETag, and keeps the stamped copy in R2', async () => {
    const buyer = await buy(book.slug);
    const library = await libraryOf(buyer);
    const purchaseId = await purchaseIdOf(buyer, book.slug);
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
    expect(purchaseId).toMatch(/^pur_[0-9a-f]{32}$/);
    expect(strFromU8(licencePage![1])).toContain(`Licensed to ${buyer.email} · purchase ${purchaseId}`);
    expect(await readMarks(bytes, { markKey: await markKeyOf(env.SIGNING_KEY) })).toMatchObject({ kind: 'epub', purchases: [{ purchaseId, layers: ['metadata', 'text', 'visible'] }] });

    const stored = await env.BOOKS.get(`orders/${purchaseId}/${book.buildId}/${book.slug}.epub`);
    expect(stored).not.toBeNull();
    const again = await SELF.fetch(downloadUrl(library, book.slug, 'epub'));
    expect(again.headers.get('etag')).toBe(res.headers.get('etag'));
    expect(new Uint8Array(await again.arrayBuffer())).toEqual(bytes);
  });

  it('stamps the licence line into the footer of every PDF page and the order id into its metadata', async () => {
    const buyer = await buy(book.slug);
    const res = await SELF.fetch(downloadUrl(await libraryOf(buyer), book.slug, 'pdf'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const bytes = new Uint8Array(await res.arrayBuffer());
    const pages = await pageContents(bytes);
    expect(pages.length).toBeGreaterThan(1);
    const purchaseId = await purchaseIdOf(buyer, book.slug);
    const needle = hexOf(`Licensed to ${buyer.email} · purchase ${purchaseId}`);
    for (const [i, content] of pages.entries()) expect(content.includes(needle), `page ${i + 1}`).toBe(true);
    expect(await readMarks(bytes, { markKey: await markKeyOf(env.SIGNING_KEY) })).toMatchObject({ kind: 'pdf', purchases: [{ purchaseId, layers: ['metadata', 'text', 'visible'] }] });
  });

  it("keeps the edition's stamp plan beside it for later buyers, and makes it again when what is kept is not this edition's", async () => {
    const edition = await publishBook('dl-plan');
    const planKey = stampPlanKey(editionFileKey(edition.slug, edition.contentHash, 'pdf', false));
    const copyFor = async () => {
      const buyer = await buy(edition.slug);
      const bytes = new Uint8Array(await (await SELF.fetch(downloadUrl(await libraryOf(buyer), edition.slug, 'pdf'))).arrayBuffer());
      const marks = await readMarks(bytes, { markKey: await markKeyOf(env.SIGNING_KEY) });
      expect(marks.purchases.map((found) => found.purchaseId)).toEqual([await purchaseIdOf(buyer, edition.slug)]);
      expect(marks.purchases[0].layers).toEqual(['metadata', 'text', 'visible']);
    };
    await copyFor();
    const plan = await env.BOOKS.get(planKey);
    expect(plan, 'the first buyer leaves the plan').not.toBeNull();
    const kept = new Uint8Array(await plan!.arrayBuffer());
    await copyFor();
    expect(new Uint8Array(await (await env.BOOKS.get(planKey))!.arrayBuffer())).toEqual(kept);
    // A plan naming other bytes (another edition's), or a damaged one, in its place is not used: it is made again.
    const otherEdition = kept.slice();
    const hashAt = new TextDecoder('latin1').decode(kept).indexOf('"edition":"') + '"edition":"'.length;
    otherEdition[hashAt] = otherEdition[hashAt] === 0x30 ? 0x31 : 0x30;
    for (const wrong of [otherEdition, kept.slice(0, kept.length - 1)]) {
      await env.BOOKS.put(planKey, wrong);
      await copyFor();
      expect(new Uint8Array(await (await env.BOOKS.get(planKey))!.arrayBuffer())).toEqual(kept);
    }
  });

  it('answers byte ranges with 206 and out-of-range requests with 416', async () => {
    const buyer = await buy(book.slug);
    const url = downloadUrl(await libraryOf(buyer), book.slug, 'pdf');
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
    const buyer = await buy(book.slug);
    await (await SELF.fetch(downloadUrl(await libraryOf(buyer), book.slug, 'epub'), { headers: { 'cf-connecting-ip': '203.0.113.7' } })).arrayBuffer();
    const log = await env.DB.prepare('SELECT format, build_id, ip_hash FROM downloads WHERE order_id = ?')
      .bind(await purchaseIdOf(buyer, book.slug))
      .all<Record<string, string>>();
    expect(log.results).toEqual([{ format: 'epub', build_id: book.buildId, ip_hash: expect.stringMatching(/^[0-9a-f]{32}$/) }]);
    expect(log.results[0].ip_hash).not.toContain('203.0.113.7');
  });
});

describe('downloads that get nothing', () => {
  it('refuses an expired link', async () => {
    const buyer = await buy(book.slug);
    const token = await links.sign({ orderId: await purchaseIdOf(buyer, book.slug), slug: book.slug, format: 'epub', buildId: book.buildId, expiresAt: Math.floor(Date.now() / 1000) - 1 });
    await expectForbidden(await SELF.fetch(`https://bindery.test/download/${token}`), /expired/);
  });

  it('refuses a link whose signature was tampered with', async () => {
    const buyer = await buy(book.slug);
    const url = downloadUrl(await libraryOf(buyer), book.slug, 'epub');
    const token = tokenOf(url);
    const flipped = token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.at(-1);
    await expectForbidden(await SELF.fetch(url.replace(token, flipped)), /not valid/);
  });

  it('refuses a link whose claims were edited to point at another book', async () => {
    const buyer = await buy(book.slug);
    const token = tokenOf(downloadUrl(await libraryOf(buyer), book.slug, 'epub'));
    const [body, signature] = token.split('.');
    const claims = JSON.parse(atob(body.replace(/-/g, '+').replace(/_/g, '/')));
    const edited = btoa(JSON.stringify({ ...claims, s: other.slug })).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    await expectForbidden(await SELF.fetch(`https://bindery.test/download/${edited}.${signature}`), /not valid/);
  });

  it('refuses a genuinely signed link for a book the order did not buy', async () => {
    const buyer = await buy(book.slug);
    const token = await links.sign({ orderId: await purchaseIdOf(buyer, book.slug), slug: other.slug, format: 'epub', buildId: other.buildId, expiresAt: Math.floor(Date.now() / 1000) + 600 });
    await expectForbidden(await SELF.fetch(`https://bindery.test/download/${token}`), /did not buy/);
  });

  it("refuses a genuinely signed link naming another book's edition", async () => {
    const buyer = await buy(book.slug);
    const token = await links.sign({ orderId: await purchaseIdOf(buyer, book.slug), slug: book.slug, format: 'epub', buildId: other.buildId, expiresAt: Math.floor(Date.now() / 1000) + 600 });
    await expectForbidden(await SELF.fetch(`https://bindery.test/download/${token}`), /edition/);
  });

  it('refuses downloads once the order is refunded, even with a link issued before', async () => {
    const buyer = await buy(book.slug);
    const url = downloadUrl(await libraryOf(buyer), book.slug, 'pdf');
    await deliverWebhook(refundEvent(buyer.paymentIntent));
    await expectForbidden(await SELF.fetch(url), /refunded/);
  });

  it('closes a link the buyer has already downloaded from as soon as the publisher revokes the purchase: resumes and HEAD too', async () => {
    const buyer = await buy(book.slug);
    const url = downloadUrl(await libraryOf(buyer), book.slug, 'pdf');
    const from = (init: RequestInit = {}) => SELF.fetch(url, { ...init, headers: { 'cf-connecting-ip': '203.0.113.60', ...init.headers } });
    // Served twice first, so the server knows this copy when the revocation comes.
    for (const range of ['bytes=0-99', 'bytes=100-']) {
      const res = await from({ headers: { range } });
      expect(res.status).toBe(206);
      await res.arrayBuffer();
    }
    const purchaseId = await purchaseIdOf(buyer, book.slug);
    const { orders } = (await (await admin(`/api/v1/books/${book.slug}/orders`)).json()) as { orders: { id: string; entitlement: { id: string } }[] };
    const entitlement = orders.find((o) => o.id === purchaseId)!.entitlement.id;
    expect((await admin(`/api/v1/entitlements/${entitlement}?reason=chargeback`, { method: 'DELETE' })).status).toBe(200);
    await expectForbidden(await from({ headers: { range: 'bytes=200-' } }), /chargeback/);
    await expectForbidden(await from(), /chargeback/);
    const head = await from({ method: 'HEAD' });
    expect(head.status).toBe(403);
    expect(head.headers.get('content-disposition')).toBeNull();
  });

  it('refuses the download after DOWNLOAD_LIMIT downloads of one format and edition, with a clear message', async () => {
    const buyer = await buy(book.slug);
    const library = await libraryOf(buyer);
    const url = downloadUrl(library, book.slug, 'epub');
    const from = (ip: string, headers: Record<string, string> = {}) => SELF.fetch(url, { headers: { 'cf-connecting-ip': ip, ...headers } });
    for (let i = 1; i <= 10; i++) {
      const res = await from(`198.51.100.${i}`);
      expect(res.status, `download ${i}`).toBe(200);
      await res.arrayBuffer();
    }
    // The tenth reader may still resume the download they started.
    const resumed = await from('198.51.100.10', { range: 'bytes=10-' });
    expect(resumed.status).toBe(206);
    await resumed.arrayBuffer();
    await expectForbidden(await from('198.51.100.11'), /download limit reached.*limit 10/);
    expect((await SELF.fetch(downloadUrl(library, book.slug, 'pdf'))).status).toBe(200);
  });

  it('refuses every range once the limit is reached: a range is not a way around it', async () => {
    const buyer = await buy(book.slug);
    const url = downloadUrl(await libraryOf(buyer), book.slug, 'pdf');
    for (let i = 1; i <= 10; i++) await (await SELF.fetch(url, { headers: { 'cf-connecting-ip': `192.0.2.${i}` } })).arrayBuffer();
    for (const range of ['bytes=1-', 'bytes=100-199', 'bytes=-500', 'bytes=0-']) {
      await expectForbidden(await SELF.fetch(url, { headers: { 'cf-connecting-ip': '192.0.2.99', range } }), /download limit reached/);
    }
  });

  it('counts a client\'s ranges and resumes within the hour as one download', async () => {
    const buyer = await buy(book.slug);
    const url = downloadUrl(await libraryOf(buyer), book.slug, 'pdf');
    const ranges = ['bytes=0-99', 'bytes=100-', 'bytes=1-', 'bytes=-10'];
    for (const range of ranges) {
      const res = await SELF.fetch(url, { headers: { 'cf-connecting-ip': '203.0.113.50', range } });
      expect(res.status).toBe(206);
      await res.arrayBuffer();
    }
    const counted = await env.DB.prepare('SELECT COUNT(*) AS n FROM downloads WHERE order_id = ?').bind(await purchaseIdOf(buyer, book.slug)).first<{ n: number }>();
    expect(counted?.n).toBe(1);
  });

  it('answers HEAD with the size and no body, without counting a download', async () => {
    const buyer = await buy(book.slug);
    const url = downloadUrl(await libraryOf(buyer), book.slug, 'epub');
    for (let i = 0; i < 12; i++) {
      const head = await SELF.fetch(url, { method: 'HEAD', headers: { 'cf-connecting-ip': `203.0.113.${100 + i}` } });
      expect(head.status).toBe(200);
      expect(Number(head.headers.get('content-length'))).toBeGreaterThan(1000);
      expect((await head.arrayBuffer()).byteLength).toBe(0);
    }
    const counted = await env.DB.prepare('SELECT COUNT(*) AS n FROM downloads WHERE order_id = ?').bind(await purchaseIdOf(buyer, book.slug)).first<{ n: number }>();
    expect(counted?.n).toBe(0);
    expect((await SELF.fetch(url)).status).toBe(200);
  });

  it('serves no more than the downloads left to 40 parallel requests from 40 clients', async () => {
    const buyer = await buy(book.slug);
    const url = downloadUrl(await libraryOf(buyer), book.slug, 'epub');
    await (await SELF.fetch(url, { headers: { 'cf-connecting-ip': '10.0.0.1' } })).arrayBuffer();
    const statuses = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const res = await SELF.fetch(url, { headers: { 'cf-connecting-ip': `10.0.1.${i}` } });
        await res.arrayBuffer();
        return res.status;
      }),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(9);
    expect(statuses.filter((s) => s === 403)).toHaveLength(31);
  });
});

/** A buyer whose EPUB copy was stamped before keyed marks, as migration 0008 leaves it: the file in R2, its row marked crc16. */
async function buyerWithOlderCopy(text: string) {
  const buyer = await buy(book.slug);
  const library = await libraryOf(buyer);
  const purchaseId = await purchaseIdOf(buyer, book.slug);
  const key = `orders/${purchaseId}/${book.buildId}/${book.slug}.epub`;
  const older = new TextEncoder().encode(text);
  const olderSha = await sha256Hex(older);
  await env.BOOKS.put(key, older);
  await env.DB.prepare(`INSERT INTO stamped_files (order_id, build_id, format, r2_key, size, sha256, created_at, mark_code) VALUES (?, ?, 'epub', ?, ?, ?, '2026-01-02T03:04:05.000Z', 'crc16')`)
    .bind(purchaseId, book.buildId, key, older.length, olderSha)
    .run();
  return { library, purchaseId, key, olderSha };
}
