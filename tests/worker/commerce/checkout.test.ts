import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StubSession } from '../../../src/cli/stripe-stand-in.ts';
import { BookRepository } from '../../../src/catalog/books.ts';
import { apiManifestSchema } from '../../../src/catalog/schemas.ts';
import { BOOK_TITLE, buy, deliverWebhook, ORIGIN, publishBook, refundEvent, sessionEvent, startCheckout, successState, type Buyer } from './fixtures.ts';

const sessionEventFor = (buyer: Buyer) =>
  sessionEvent('checkout.session.completed', { id: buyer.sessionId, slug: 'checkout-book', email: buyer.email, paymentIntent: buyer.paymentIntent });

beforeAll(async () => {
  await publishBook('checkout-book');
  await publishBook('free-book', { price: null });
  // Saved by the catalog as the editor API saves a book, never built or published.
  const manifest = apiManifestSchema.parse({ title: 'Draft', language: 'en', authors: ['A'], date: '2025-01-01', chapters: ['draft-book/01'] });
  await new BookRepository(env.DB).put('draft-book', { kind: 'book', manifest });
});

const checkout = (body: unknown) =>
  SELF.fetch(`${ORIGIN}/api/v1/checkout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** What the Stripe stub received for a session. */
const stubSession = async (id: string) => (await (await fetch(`https://stripe.test/v1/checkout/sessions/${id}`, { headers: { authorization: 'Bearer sk_test_bindery' } })).json()) as StubSession;

describe('checkout', () => {
  it("creates a Stripe Checkout Session with the book's price, slug, email and success URL", async () => {
    const res = await checkout({ slug: 'checkout-book', email: 'buyer@example.com' });
    expect(res.status).toBe(200);
    const { url, sessionId } = (await res.json()) as { url: string; sessionId: string };
    expect(url).toBe(`https://stripe.test/c/pay/${sessionId}`);
    const sent = (await stubSession(sessionId)).params;
    expect(sent).toMatchObject({
      mode: 'payment',
      customer_email: 'buyer@example.com',
      'metadata[slug]': 'checkout-book',
      'line_items[0][quantity]': '1',
      'line_items[0][price_data][currency]': 'twd',
      'line_items[0][price_data][unit_amount]': '29900',
      'line_items[0][price_data][product_data][name]': BOOK_TITLE,
      success_url: `${ORIGIN}/checkout/success?session_id={CHECKOUT_SESSION_ID}`,
    });
  });

  it('redirects a storefront form post to Stripe with 303', async () => {
    const res = await SELF.fetch(`${ORIGIN}/api/v1/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'slug=checkout-book&email=',
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^https:\/\/stripe\.test\/c\/pay\/cs_test_/);
  });

  it('answers 404 for an unknown or unpublished book and 409 for a book without a price', async () => {
    expect((await checkout({ slug: 'no-such-book' })).status).toBe(404);
    expect((await checkout({ slug: 'draft-book' })).status).toBe(404);
    const free = await checkout({ slug: 'free-book' });
    expect(free.status).toBe(409);
    expect(free.headers.get('content-type')).toContain('application/problem+json');
  });

  it('rejects a malformed email or missing slug with 400', async () => {
    expect((await checkout({ slug: 'checkout-book', email: 'not-an-email' })).status).toBe(400);
    expect((await checkout({})).status).toBe(400);
  });
});

describe('the success page', () => {
  it('shows "payment is being confirmed" before the webhook lands, then the library link to the buying browser', async () => {
    const sessionId = `cs_test_pending_${crypto.randomUUID().replace(/-/g, '')}`;
    const pending = await SELF.fetch(`${ORIGIN}/checkout/success?session_id=${sessionId}`, { headers: { accept: 'application/json' } });
    expect(pending.status).toBe(202);
    expect(await pending.json()).toMatchObject({ status: 'pending' });
    const pendingHtml = await SELF.fetch(`${ORIGIN}/checkout/success?session_id=${sessionId}`);
    const pendingText = await pendingHtml.text();
    expect(pendingText).toContain('Payment is being confirmed');
    expect(pendingText).not.toContain(sessionId);
    // The reader reloads when they choose: a timed reload restarts a screen reader (WCAG 2.2.1).
    expect(pendingHtml.headers.get('refresh')).toBeNull();
    expect(pendingText).toContain('<a href="">Check again</a>');

    const buyer = await buy('checkout-book');
    const { libraryUrl } = await successState(buyer);
    expect(libraryUrl).toMatch(/^https:\/\/bindery\.test\/library\/[\w-]+\.[\w-]+$/);
    const page = await SELF.fetch(`${ORIGIN}/checkout/success?session_id=${buyer.sessionId}`, { headers: { cookie: buyer.cookie } });
    expect(page.headers.get('cache-control')).toBe('private, no-store');
    const html = await page.text();
    expect(html).toContain(libraryUrl);
    expect(html).toContain(BOOK_TITLE);
  });

  it('binds the checkout to the browser with an HttpOnly, SameSite=Lax cookie', async () => {
    const res = await checkout({ slug: 'checkout-book' });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^bindery_checkout=[\w-]+\.[\w-]+;/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Secure/i);
    // The whole site, so the checkout endpoint gets it back and one browser keeps one nonce across checkouts.
    expect(cookie).toMatch(/Path=\/;|Path=\/$/);
  });

  it('never shows the library link to anyone holding only the session id', async () => {
    const buyer = await buy('checkout-book', 'private@example.com');
    const stranger = await startCheckout('checkout-book', 'stranger@example.com');
    for (const cookie of [undefined, stranger.cookie, 'bindery_checkout=forged.AAAA', buyer.cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))]) {
      const state = await successState({ sessionId: buyer.sessionId, cookie });
      expect(state, String(cookie)).toMatchObject({ status: 'complete', message: expect.stringMatching(/e-mailed/) });
      expect(state.libraryUrl).toBeUndefined();
      const html = await (await SELF.fetch(`${ORIGIN}/checkout/success?session_id=${buyer.sessionId}`, { headers: cookie ? { cookie } : {} })).text();
      expect(html).not.toMatch(/\/library\/[\w-]+\.[\w-]+/);
      expect(html).not.toContain('private@example.com');
    }
  });

  it('keeps finding the link for two checkouts started in one browser', async () => {
    const first = await startCheckout('checkout-book', 'tabs@example.com');
    const second = await startCheckout('checkout-book', 'tabs@example.com', first.cookie);
    for (const buyer of [first, second]) {
      await deliverWebhook(sessionEventFor(buyer));
      expect((await successState({ sessionId: buyer.sessionId, cookie: second.cookie })).libraryUrl).toBeDefined();
    }
  });

  it('stops showing the link 30 minutes after the payment, even to the buying browser', async () => {
    const buyer = await buy('checkout-book');
    await env.DB.prepare('UPDATE orders SET created_at = ? WHERE checkout_session_id = ?').bind(new Date(Date.now() - 31 * 60_000).toISOString(), buyer.sessionId).run();
    const state = await successState(buyer);
    expect(state.status).toBe('complete');
    expect(state.libraryUrl).toBeUndefined();
  });

  it('says the purchase is no longer valid after a refund', async () => {
    const buyer = await buy('checkout-book');
    await deliverWebhook(refundEvent(buyer.paymentIntent));
    expect(await successState(buyer)).toMatchObject({ status: 'revoked' });
  });
});

describe('calls to Stripe', () => {
  it('sends an Idempotency-Key, so a double submit from one browser opens one payment page', async () => {
    const first = await startCheckout('checkout-book', 'double@example.com');
    const again = await startCheckout('checkout-book', 'double@example.com', first.cookie);
    expect(again.sessionId).toBe(first.sessionId);
    const elsewhere = await startCheckout('checkout-book', 'double@example.com');
    expect(elsewhere.sessionId).not.toBe(first.sessionId);
  });
});

describe('when Stripe fails', () => {
  it('answers 502, not 500, when Stripe refuses to create the session, and records nothing', async () => {
    // Stripe refuses a USD total under $0.50.
    await publishBook('ten-cent-book', { price: { amount: 0.1, currency: 'USD' } });
    const res = await checkout({ slug: 'ten-cent-book' });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ type: 'https://bindery.dev/problems/upstream-failed' });
    expect(res.headers.get('set-cookie')).toBeNull();
  });
});
