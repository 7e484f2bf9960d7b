import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, buy, deliverWebhook, downloadUrl, libraryOf, mailsTo, publishBook, purchaseIdOf, refundEvent, requestResend } from '../commerce/fixtures.ts';

beforeAll(async () => {
  await publishBook('atk-dl');
});

const counted = async (orderId: string) =>
  (await env.DB.prepare('SELECT COUNT(*) AS n FROM downloads WHERE order_id = ?').bind(orderId).first<{ n: number }>())!.n;

describe('download windows under odd ranges and headers', () => {
  it('answers bytes=-0 with 416 and counts nothing; multi-range gets the whole file and counts once', async () => {
    const buyer = await buy('atk-dl');
    const url = downloadUrl(await libraryOf(buyer), 'atk-dl', 'epub');
    const id = await purchaseIdOf(buyer, 'atk-dl');
    const zero = await SELF.fetch(url, { headers: { 'cf-connecting-ip': '192.0.2.1', range: 'bytes=-0' } });
    expect(zero.status).toBe(416);
    await zero.arrayBuffer();
    const huge = await SELF.fetch(url, { headers: { 'cf-connecting-ip': '192.0.2.1', range: 'bytes=99999999999999999999999999-' } });
    expect(huge.status).toBe(416);
    await huge.arrayBuffer();
    expect(await counted(id)).toBe(0);
    const multi = await SELF.fetch(url, { headers: { 'cf-connecting-ip': '192.0.2.1', range: 'bytes=0-0,1-' } });
    expect(multi.status).toBe(200);
    const body = await multi.arrayBuffer();
    expect(body.byteLength).toBe(Number(multi.headers.get('content-length')));
    const bigEnd = await SELF.fetch(url, { headers: { 'cf-connecting-ip': '192.0.2.1', range: 'bytes=0-99999999999999999999999999' } });
    expect(bigEnd.status).toBe(206);
    expect((await bigEnd.arrayBuffer()).byteLength).toBe(body.byteLength);
    expect(await counted(id)).toBe(1);
  });

  it('refuses HEAD from a new client once the limit is used, and a HEAD never opens a window', async () => {
    const buyer = await buy('atk-dl');
    const url = downloadUrl(await libraryOf(buyer), 'atk-dl', 'pdf');
    for (let i = 1; i <= 10; i++) await (await SELF.fetch(url, { headers: { 'cf-connecting-ip': `192.0.2.${i}` } })).arrayBuffer();
    const head = await SELF.fetch(url, { method: 'HEAD', headers: { 'cf-connecting-ip': '192.0.2.200', range: 'bytes=0-0' } });
    expect(head.status).toBe(403);
    const ownHead = await SELF.fetch(url, { method: 'HEAD', headers: { 'cf-connecting-ip': '192.0.2.3' } });
    expect(ownHead.status).toBe(200);
  });

  it('does not tell an over-limit client the file size through a 416', async () => {
    const buyer = await buy('atk-dl');
    const url = downloadUrl(await libraryOf(buyer), 'atk-dl', 'epub');
    for (let i = 1; i <= 10; i++) await (await SELF.fetch(url, { headers: { 'cf-connecting-ip': `192.0.2.${i}` } })).arrayBuffer();
    const res = await SELF.fetch(url, { headers: { 'cf-connecting-ip': '192.0.2.201', range: 'bytes=999999999-' } });
    expect.soft(res.status, 'the range is checked before the limit: an over-limit client gets 416 and the size').toBe(403);
    await res.arrayBuffer();
  });

  it('keys a window on the client: requests without cf-connecting-ip share one window (only reachable off Cloudflare)', async () => {
    const buyer = await buy('atk-dl');
    const url = downloadUrl(await libraryOf(buyer), 'atk-dl', 'epub');
    for (let i = 0; i < 15; i++) {
      const res = await SELF.fetch(url);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    expect(await counted(await purchaseIdOf(buyer, 'atk-dl'))).toBe(1);
  });

  it('closes a link at once when the order is refunded, even inside an open window', async () => {
    const buyer = await buy('atk-dl');
    const url = downloadUrl(await libraryOf(buyer), 'atk-dl', 'epub');
    await (await SELF.fetch(url, { headers: { 'cf-connecting-ip': '192.0.2.77' } })).arrayBuffer();
    await deliverWebhook(refundEvent(buyer.paymentIntent));
    const res = await SELF.fetch(url, { headers: { 'cf-connecting-ip': '192.0.2.77', range: 'bytes=10-' } });
    expect(res.status).toBe(403);
    await res.arrayBuffer();
  });
});

describe('library resend', () => {
  const resendFrom = requestResend;
  const outbox = mailsTo;

  it('does not let a stranger who knows the address kill the link the buyer holds', async () => {
    const buyer = await buy('atk-dl', 'bookmarked@example.com');
    const { libraryUrl } = await libraryOf(buyer);
    // Anyone, knowing only the address: three times an hour, from anywhere.
    expect((await resendFrom('bookmarked@example.com', '203.0.113.9')).status).toBe(202);
    await expect.poll(async () => (await outbox('bookmarked@example.com')).length).toBe(2);
    const res = await SELF.fetch(libraryUrl, { headers: { accept: 'application/json' } });
    expect(res.status, "a stranger's resend revoked the buyer's link").toBe(200);
  });

  it('counts case, NFD, whitespace and Kelvin-sign variants of one address against its one limit', async () => {
    await buy('atk-dl', 'josé.kim@exämple.com');
    const variants = [
      'josé.kim@exämple.com',
      'JOSÉ.KIM@EXÄMPLE.COM',
      'jose\u0301.kim@exa\u0308mple.com',
      '  josé.kim@exämple.com  ',
      'josé.\u212Aim@exämple.com',
      'JOSE\u0301.KIM@EXA\u0308MPLE.COM',
    ];
    for (const [i, v] of variants.entries()) expect((await resendFrom(v, `198.51.100.${150 + i}`)).status).toBe(202);
    await expect.poll(async () => (await outbox('josé.kim@exämple.com')).length).toBe(4);
    await new Promise((r) => setTimeout(r, 300));
    expect(await outbox('josé.kim@exämple.com')).toHaveLength(4);
  });

  it('mails nothing to an address with a CR/LF or a second recipient', async () => {
    for (const email of ['a@b.c\r\nbcc: x@y.z', 'a@b.c,x@y.z', 'a@b.c\u2028x', '"a@b.c"@x.y', 'a@b.c>']) {
      const res = await resendFrom(email, '198.51.100.240');
      expect([202, 400]).toContain(res.status);
      await res.arrayBuffer();
    }
  });
});

describe('bodies of the forms anyone may post', () => {
  it('refuses a checkout, a library link request or a grant over 16 KB with 413, before reading it (60 MB bodies were parsed whole)', async () => {
    const pad = 'x'.repeat(1024 * 1024);
    const posts: [string, Record<string, string>][] = [
      ['/api/v1/checkout', {}],
      ['/api/v1/library/resend', {}],
      ['/api/v1/grants', { authorization: `Bearer ${ADMIN_TOKEN}` }],
    ];
    for (const [path, headers] of posts) {
      const res = await SELF.fetch(`https://bindery.test${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ slug: 'atk-dl', email: 'big@example.com', pad }),
      });
      expect(res.status, path).toBe(413);
      expect(res.headers.get('content-type'), path).toContain('application/problem+json');
    }
  });

  it('still takes an ordinary checkout and library link request', async () => {
    const checkout = await SELF.fetch('https://bindery.test/api/v1/checkout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ slug: 'atk-dl', email: 'ordinary@example.com' }) });
    expect(checkout.status).toBe(200);
    await checkout.arrayBuffer();
    expect((await requestResend('ordinary@example.com')).status).toBe(202);
  });
});
