import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StubSession } from '../../support/stripe-stub.ts';
import { BOOK_TITLE, buy, deliverWebhook, ORIGIN, publishBook, refundEvent } from './fixtures.ts';

beforeAll(async () => {
  await publishBook('checkout-book');
  await publishBook('free-book', { price: null });
  await env.DB.prepare(
    "INSERT INTO books (slug, kind, manifest, title, created_at, updated_at) VALUES ('draft-book', 'book', '{}', 'Draft', '2025-01-01', '2025-01-01')",
  ).run();
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
  it('shows "payment is being confirmed" before the webhook lands, then the library link', async () => {
    const sessionId = `cs_test_pending_${crypto.randomUUID().replace(/-/g, '')}`;
    const pending = await SELF.fetch(`${ORIGIN}/checkout/success?session_id=${sessionId}`, { headers: { accept: 'application/json' } });
    expect(pending.status).toBe(202);
    expect(await pending.json()).toMatchObject({ status: 'pending' });
    const pendingHtml = await SELF.fetch(`${ORIGIN}/checkout/success?session_id=${sessionId}`);
    expect(await pendingHtml.text()).toContain('Payment is being confirmed');

    const { sessionId: paid } = await buy('checkout-book');
    const done = await SELF.fetch(`${ORIGIN}/checkout/success?session_id=${paid}`, { headers: { accept: 'application/json' } });
    const { libraryUrl } = (await done.json()) as { libraryUrl: string };
    expect(libraryUrl).toMatch(/^https:\/\/bindery\.test\/library\/[\w-]+\.[\w-]+$/);
    const html = await (await SELF.fetch(`${ORIGIN}/checkout/success?session_id=${paid}`)).text();
    expect(html).toContain(libraryUrl);
    expect(html).toContain(BOOK_TITLE);
  });

  it('says the purchase is no longer valid after a refund', async () => {
    const { sessionId } = await buy('checkout-book');
    await deliverWebhook(refundEvent(`pi_${sessionId}`));
    const res = await SELF.fetch(`${ORIGIN}/checkout/success?session_id=${sessionId}`, { headers: { accept: 'application/json' } });
    expect(await res.json()).toMatchObject({ status: 'revoked' });
  });
});
