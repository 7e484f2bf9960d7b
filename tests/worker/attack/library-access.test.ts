import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { admin, buy, deliverWebhook, libraryOf, ORIGIN, publishBook, sessionEvent, startCheckout, successState } from '../commerce/fixtures.ts';

beforeAll(async () => {
  await publishBook('atk-expensive');
  await publishBook('atk-cheap');
});

/** A browser that keeps cookies the way a real one does: a cookie is only sent to paths under its Path. */
class CookieJar {
  private readonly cookies = new Map<string, { value: string; path: string }>();
  take(res: Response) {
    const raw = res.headers.get('set-cookie');
    if (!raw) return;
    const [pair, ...attrs] = raw.split(';').map((s) => s.trim());
    const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
    const path = attrs.find((a) => /^path=/i.test(a))?.slice(5) ?? '/';
    this.cookies.set(name, { value, path });
  }
  header(url: string): string | undefined {
    const p = new URL(url).pathname;
    const sent = [...this.cookies].filter(([, c]) => p === c.path || p.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`));
    return sent.length ? sent.map(([n, c]) => `${n}=${c.value}`).join('; ') : undefined;
  }
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const cookie = this.header(url);
    const res = await SELF.fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) }, redirect: 'manual' });
    this.take(res);
    return res;
  }
}

describe('library access is bound to the mailbox, not to whoever paid with the address', () => {
  it('does not show a stranger who paid with a buyer\'s address that buyer\'s library (existing books and download links)', async () => {
    const victim = await buy('atk-expensive', 'victim-lib@example.com');
    const victimLibrary = await libraryOf(victim);
    expect(victimLibrary.items.map((i) => i.slug)).toContain('atk-expensive');

    // The attacker types the victim's address into the checkout form (Stripe does not verify it) and pays for a cheap book.
    const attacker = await startCheckout('atk-cheap', 'victim-lib@example.com');
    const hook = await deliverWebhook(
      sessionEvent('checkout.session.completed', { id: attacker.sessionId, slug: 'atk-cheap', email: 'victim-lib@example.com', paymentIntent: attacker.paymentIntent }),
    );
    expect(hook.status).toBe(200);

    // The attacker's own browser is the one that started this checkout, so the success page hands it a library link…
    const state = await successState(attacker);
    if (state.libraryUrl) {
      const lib = (await (await SELF.fetch(state.libraryUrl, { headers: { accept: 'application/json' } })).json()) as { items: { slug: string; downloads: { url: string }[] }[] };
      const stolen = lib.items.find((i) => i.slug === 'atk-expensive');
      // …and it is the victim's library: their other book, with working download links.
      if (stolen) {
        const dl = await SELF.fetch(stolen.downloads[0].url, { headers: { 'cf-connecting-ip': '198.51.100.66' } });
        await dl.arrayBuffer();
        expect.soft(dl.status, 'the attacker downloads the victim\'s book').not.toBe(200);
      }
      // It is even the very link that was mailed to the victim.
      expect.soft(state.libraryUrl, 'the attacker was handed the victim\'s own mailed library link').not.toBe(victimLibrary.libraryUrl);
      expect(stolen, 'the success page gave the attacker the victim\'s library, including a book the attacker never bought').toBeUndefined();
    }
  });
});

describe('checkout cookie as a real browser keeps it', () => {
  it('shows the library link to a browser that started two checkouts (the cookie is sent back to /api/v1/checkout)', async () => {
    const browser = new CookieJar();
    const start = async (slug: string) => {
      const res = await browser.fetch(`${ORIGIN}/api/v1/checkout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ slug, email: 'two-tabs@example.com' }),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { sessionId: string }).sessionId;
    };
    const first = await start('atk-expensive');
    const second = await start('atk-cheap');
    for (const [id, slug] of [
      [first, 'atk-expensive'],
      [second, 'atk-cheap'],
    ]) {
      expect((await deliverWebhook(sessionEvent('checkout.session.completed', { id, slug, email: 'two-tabs@example.com' }))).status).toBe(200);
    }
    const state = async (id: string) =>
      (await (await browser.fetch(`${ORIGIN}/checkout/success?session_id=${id}`, { headers: { accept: 'application/json' } })).json()) as { libraryUrl?: string };
    expect((await state(second)).libraryUrl).toBeDefined();
    // The cookie has Path=/checkout, so the second POST /api/v1/checkout did not send it: a new nonce overwrote the first.
    expect((await state(first)).libraryUrl, 'first tab lost its link').toBeDefined();
  });

  it('sets the checkout cookie on a path that the checkout endpoint itself receives', async () => {
    const res = await SELF.fetch(`${ORIGIN}/api/v1/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ slug: 'atk-cheap' }),
    });
    const cookie = res.headers.get('set-cookie') ?? '';
    const path = /path=([^;]+)/i.exec(cookie)?.[1] ?? '/';
    expect('/api/v1/checkout'.startsWith(path), `cookie path ${path}`).toBe(true);
  });
});

describe('held orders', () => {
  async function heldOrder(email: string) {
    const buyer = await startCheckout('atk-cheap', email);
    const event = sessionEvent('checkout.session.completed', { id: buyer.sessionId, slug: 'atk-cheap', email, paymentIntent: buyer.paymentIntent });
    (event.data.object as { amount_total: number }).amount_total = 100;
    expect((await deliverWebhook(event)).status).toBe(200);
    const list = (await (await admin('/api/v1/books/atk-cheap/orders')).json()) as { orders: { id: string; email: string; entitlement: { id: string } }[] };
    return { buyer, order: list.orders.find((o) => o.email === email)! };
  }

  it('keeps a held order revoked when the publisher revokes it, so a later release does not grant it', async () => {
    const { order } = await heldOrder('held-then-revoked@example.com');
    const revoke = await admin(`/api/v1/entitlements/${order.entitlement.id}?reason=fraud`, { method: 'DELETE' });
    expect(revoke.status).toBe(200);
    const revoked = (await revoke.json()) as { revokeReason: string };
    expect.soft(revoked.revokeReason, 'the revoke of a held entitlement was a silent no-op').toBe('fraud');
    const release = await admin(`/api/v1/orders/${order.id}/release`, { method: 'POST' });
    expect(release.status, 'release revived an entitlement the publisher had revoked').toBe(409);
  });

  it('gives no download to a held order', async () => {
    const { buyer } = await heldOrder('held-dl@example.com');
    const state = await successState(buyer);
    expect(state.status).toBe('held');
    expect(state.libraryUrl).toBeUndefined();
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM library_tokens WHERE email = 'held-dl@example.com'").first<{ n: number }>();
    expect(rows?.n ?? 0).toBe(0);
  });
});
