import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  deliverWebhook,
  downloadUrl,
  eventId,
  libraryOf,
  mailsTo,
  publishBook,
  refundEvent,
  sessionEvent,
  startCheckout,
  successState,
  type Buyer,
} from './fixtures.ts';

const SLUG = 'webhook-book';
beforeAll(async () => {
  await publishBook(SLUG);
});

interface ListedOrder {
  id: string;
  bookSlug: string;
  email: string;
  amount: number;
  currency: string;
  source: string;
  reviewReason: string | null;
  entitlement: { id: string; revokedAt: string | null; revokeReason: string | null };
}

/** The book's orders, as the publisher's order list shows them. */
async function listedOrders(): Promise<ListedOrder[]> {
  const res = await admin(`/api/v1/books/${SLUG}/orders`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { orders: ListedOrder[] }).orders;
}

/** The one order the publisher's list shows for `email` (every test here pays with its own address). */
async function listedOrderOf(email: string): Promise<ListedOrder> {
  const found = (await listedOrders()).filter((o) => o.email === email);
  expect(found, email).toHaveLength(1);
  return found[0];
}

/** What the checkout's return page shows, to the browser that paid when given its cookie. */
const stateOf = (buyer: Pick<Buyer, 'sessionId'> & { cookie?: string }) => successState(buyer);
/** What the return page shows the paying browser for a purchase revoked for `reason`. */
const revoked = (reason: string) => ({ status: 'revoked', message: `This purchase is no longer valid (${reason}).` });

/** A session id Stripe might send that no checkout here started. */
const strangeSession = () => `cs_test_wh_${crypto.randomUUID().replace(/-/g, '')}`;
/** A checkout started through the store, as every real sale is: the browser that started it. */
const newBuyer = () => startCheckout(SLUG);

describe('Stripe webhook signatures', () => {
  it('accepts a correctly signed checkout.session.completed and creates the order and entitlement', async () => {
    const buyer = await newBuyer();
    const res = await deliverWebhook(sessionEvent('checkout.session.completed', { id: buyer.sessionId, slug: SLUG, email: 'Buyer@Example.com', paymentIntent: buyer.paymentIntent }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ received: true, duplicate: false, outcome: 'order' });
    expect(await stateOf(buyer)).toMatchObject({ status: 'complete', libraryUrl: expect.stringMatching(/^https:\/\/bindery\.test\/library\//) });
    const order = await listedOrderOf('buyer@example.com');
    expect(order.id).toMatch(/^pur_[0-9a-f]{32}$/);
    expect(order).toMatchObject({ bookSlug: SLUG, email: 'buyer@example.com', amount: 29900, currency: 'TWD', source: 'stripe', reviewReason: null, entitlement: { revokedAt: null } });
    // The purchase the paying browser is shown is this very order.
    expect((await libraryOf(buyer)).items.map((i) => i.purchaseId)).toEqual([order.id]);
    const mails = await mailsTo('buyer@example.com');
    expect(mails).toHaveLength(1);
    expect(mails[0].body).toMatch(/https:\/\/bindery\.test\/library\//);
  });

  const rejected: [string, (id: string) => Promise<Response>][] = [
    ['signed with the wrong secret', (id) => deliverWebhook(sessionEvent('checkout.session.completed', { id, slug: SLUG, email: 'x@example.com' }), { secret: 'whsec_wrong' })],
    ['with a stale timestamp (6 minutes old)', (id) =>
      deliverWebhook(sessionEvent('checkout.session.completed', { id, slug: SLUG, email: 'x@example.com' }), { timestamp: Math.floor(Date.now() / 1000) - 360 })],
    ['whose body was altered after signing', async (id) => {
      const event = sessionEvent('checkout.session.completed', { id, slug: SLUG, email: 'x@example.com' });
      const altered = JSON.stringify(event).replace('x@example.com', 'thief@example.com');
      return deliverWebhook(event, { body: altered });
    }],
    ['without a Stripe-Signature header', (id) => deliverWebhook(sessionEvent('checkout.session.completed', { id, slug: SLUG, email: 'x@example.com' }), { header: null })],
    ['with a malformed Stripe-Signature header', (id) => deliverWebhook(sessionEvent('checkout.session.completed', { id, slug: SLUG, email: 'x@example.com' }), { header: 'v1=zz,t=abc' })],
  ];
  for (const [name, send] of rejected) {
    it(`rejects a webhook ${name} with 400 and changes nothing`, async () => {
      const buyer = await newBuyer();
      const before = (await listedOrders()).length;
      const res = await send(buyer.sessionId);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await stateOf(buyer)).toMatchObject({ status: 'pending' });
      expect(await listedOrders()).toHaveLength(before);
    });
  }

  it('accepts a header carrying several v1 signatures when any one matches (secret rotation)', async () => {
    const buyer = await newBuyer();
    const event = sessionEvent('checkout.session.completed', { id: buyer.sessionId, slug: SLUG, email: 'rotate@example.com' });
    const { signStripePayload } = await import('../../../src/commerce/stripe-signature.ts');
    const good = await signStripePayload('whsec_test_bindery', JSON.stringify(event));
    const header = `${good.split(',')[0]},v1=${'0'.repeat(64)},${good.split(',')[1]}`;
    expect((await deliverWebhook(event, { header })).status).toBe(200);
    expect(await stateOf(buyer)).toMatchObject({ status: 'complete' });
  });

  it('rejects a signed body that is not a Stripe event', async () => {
    expect((await deliverWebhook({ hello: 'world' })).status).toBe(400);
  });
});

describe('Stripe webhook events', () => {
  it('acknowledges a replayed event with 200 and does nothing new', async () => {
    const buyer = await newBuyer();
    const event = sessionEvent('checkout.session.completed', { id: buyer.sessionId, slug: SLUG, email: 'replay@example.com' });
    expect((await deliverWebhook(event)).status).toBe(200);
    const seen = async () => ({ orders: await listedOrders(), mails: await mailsTo('replay@example.com'), state: (await stateOf(buyer)).status });
    const before = await seen();
    expect(before.mails).toHaveLength(1);
    const replay = await deliverWebhook(event);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ duplicate: true });
    expect(await seen()).toEqual(before);
  });

  it('leaves the entitlement revoked when the refund arrives before the completion', async () => {
    const buyer = await newBuyer();
    expect((await deliverWebhook(refundEvent(buyer.paymentIntent))).status).toBe(200);
    expect((await deliverWebhook(sessionEvent('checkout.session.completed', { id: buyer.sessionId, slug: SLUG, email: 'early-refund@example.com', paymentIntent: buyer.paymentIntent }))).status).toBe(200);
    expect(await stateOf(buyer)).toEqual(revoked('refunded'));
  });

  it('revokes the entitlement when the refund arrives after the completion', async () => {
    const buyer = await newBuyer();
    await deliverWebhook(sessionEvent('checkout.session.completed', { id: buyer.sessionId, slug: SLUG, email: 'late-refund@example.com' }));
    expect(await stateOf(buyer)).toMatchObject({ status: 'complete' });
    await deliverWebhook(refundEvent(buyer.paymentIntent));
    expect(await stateOf(buyer)).toEqual(revoked('refunded'));
  });

  it('waits for an async payment and grants the book when checkout.session.async_payment_succeeded arrives', async () => {
    const buyer = await newBuyer();
    const pending = await deliverWebhook(sessionEvent('checkout.session.completed', { id: buyer.sessionId, slug: SLUG, email: 'async@example.com', paymentStatus: 'unpaid' }));
    expect(await pending.json()).toMatchObject({ outcome: expect.stringContaining('ignored') });
    expect(await stateOf(buyer)).toMatchObject({ status: 'pending' });
    const paid = await deliverWebhook(sessionEvent('checkout.session.async_payment_succeeded', { id: buyer.sessionId, slug: SLUG, email: 'async@example.com' }));
    expect(paid.status).toBe(200);
    expect(await stateOf(buyer)).toMatchObject({ status: 'complete' });
  });

  it('keeps the book revoked after a failed async payment, even when a completion arrives later', async () => {
    const buyer = await newBuyer();
    await deliverWebhook(sessionEvent('checkout.session.async_payment_failed', { id: buyer.sessionId, slug: SLUG, email: 'failed@example.com', paymentStatus: 'unpaid' }));
    await deliverWebhook(sessionEvent('checkout.session.completed', { id: buyer.sessionId, slug: SLUG, email: 'failed@example.com' }));
    expect(await stateOf(buyer)).toEqual(revoked('payment failed'));
  });

  it('ignores sessions that are not Bindery sales (no metadata.slug) without failing', async () => {
    const event = sessionEvent('checkout.session.completed', { id: strangeSession(), slug: SLUG, email: 'other@example.com' });
    (event.data.object as { metadata: unknown }).metadata = {};
    const res = await deliverWebhook(event);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ outcome: expect.stringContaining('not a Bindery sale') });
    expect(await stateOf({ sessionId: event.data.object.id })).toMatchObject({ status: 'pending' });
  });

  it('keeps partial refunds from revoking the book', async () => {
    const buyer = await newBuyer();
    await deliverWebhook(sessionEvent('checkout.session.completed', { id: buyer.sessionId, slug: SLUG, email: 'partial@example.com' }));
    const partial = refundEvent(buyer.paymentIntent, eventId());
    (partial.data.object as { refunded: boolean }).refunded = false;
    await deliverWebhook(partial);
    expect(await stateOf(buyer)).toMatchObject({ status: 'complete' });
  });
});

describe('what a paid session must match before it grants the book', () => {
  const completed = (id: string, email: string, change: Record<string, unknown>) => {
    const event = sessionEvent('checkout.session.completed', { id, slug: SLUG, email });
    Object.assign(event.data.object, change);
    return event;
  };

  it('holds an order for review when the amount paid is not the price the checkout asked', async () => {
    const buyer = await newBuyer();
    const res = await deliverWebhook(completed(buyer.sessionId, 'cheap@example.com', { amount_total: 100 }));
    expect(res.status).toBe(200);
    expect(await stateOf(buyer)).toMatchObject({ status: 'held' });
    const held = await listedOrderOf('cheap@example.com');
    expect(held.reviewReason).toMatch(/paid 100 TWD, the checkout asked for 29900 TWD/);
    expect(held.entitlement.revokedAt).not.toBeNull();
    expect(await mailsTo('cheap@example.com')).toHaveLength(0);

    // The publisher checks the payment and releases the order: the buyer gets their book and the mail.
    const released = await admin(`/api/v1/orders/${held.id}/release`, { method: 'POST' });
    expect(released.status).toBe(200);
    expect(await released.json()).toMatchObject({ reviewReason: null, entitlement: { revokedAt: null } });
    expect(await stateOf(buyer)).toMatchObject({ status: 'complete' });
    expect(await mailsTo('cheap@example.com')).toHaveLength(1);
    expect((await admin(`/api/v1/orders/${held.id}/release`, { method: 'POST' })).status).toBe(409);
  });

  it('never releases an order that was refunded while held', async () => {
    const buyer = await newBuyer();
    await deliverWebhook(completed(buyer.sessionId, 'held-refund@example.com', { amount_total: 5, payment_intent: buyer.paymentIntent }));
    await deliverWebhook(refundEvent(buyer.paymentIntent));
    const held = await listedOrderOf('held-refund@example.com');
    const release = await admin(`/api/v1/orders/${held.id}/release`, { method: 'POST' });
    expect(release.status).toBe(409);
    expect(((await release.json()) as { detail: string }).detail).toMatch(/refunded/);
    expect(await stateOf(buyer)).toEqual(revoked('refunded'));
  });

  it('holds an order paid in another currency', async () => {
    const other = await newBuyer();
    await deliverWebhook(completed(other.sessionId, 'usd@example.com', { currency: 'usd' }));
    expect(await stateOf(other)).toMatchObject({ status: 'held' });
  });

  it("holds a session this store never started (a payment link) to the book's current price", async () => {
    const fair = strangeSession();
    await deliverWebhook(completed(fair, 'payment-link@example.com', {}));
    expect(await stateOf({ sessionId: fair })).toMatchObject({ status: 'complete' });
    const cheap = strangeSession();
    await deliverWebhook(completed(cheap, 'cheap-link@example.com', { amount_total: 500 }));
    expect(await stateOf({ sessionId: cheap })).toMatchObject({ status: 'held' });
    expect((await listedOrderOf('cheap-link@example.com')).entitlement.revokeReason).toMatch(/paid 500 TWD, the checkout asked for 29900 TWD/);
  });

  it('grants a session that needed no payment only when a discount covered the whole price', async () => {
    const covered = await newBuyer();
    await deliverWebhook(completed(covered.sessionId, 'promo@example.com', { payment_status: 'no_payment_required', amount_total: 0, total_details: { amount_discount: 29900 } }));
    expect(await stateOf(covered)).toMatchObject({ status: 'complete' });
    const free = await newBuyer();
    await deliverWebhook(completed(free.sessionId, 'free@example.com', { payment_status: 'no_payment_required', amount_total: 0 }));
    expect(await stateOf(free)).toMatchObject({ status: 'held' });
  });

  it('records and serves buyers whose addresses are internationalised or unusual', async () => {
    for (const email of ['josé@exämple.com', 'first&last@example.com', 'user%tag@example.com', '用户@例子.广告']) {
      const buyer = await startCheckout(SLUG, email);
      const res = await deliverWebhook(sessionEvent('checkout.session.completed', { id: buyer.sessionId, slug: SLUG, email, paymentIntent: buyer.paymentIntent }));
      expect(res.status, email).toBe(200);
      const library = await libraryOf(buyer);
      for (const format of ['epub', 'pdf'] as const) {
        const download = await SELF.fetch(downloadUrl(library, SLUG, format));
        expect(download.status, `${email} ${format}`).toBe(200);
        await download.arrayBuffer();
      }
    }
  });
});

describe('webhook failures Stripe must retry', () => {
  it('answers 5xx and releases the event when storage fails, so the retry grants the book', async () => {
    const buyer = await newBuyer();
    const event = sessionEvent('checkout.session.completed', { id: buyer.sessionId, slug: SLUG, email: 'retry@example.com' });
    // Break the books table for one delivery: the lookup of the book fails as a D1 outage would.
    await env.DB.exec('ALTER TABLE books RENAME TO books_away');
    let failed: Response;
    try {
      failed = await deliverWebhook(event);
    } finally {
      await env.DB.exec('ALTER TABLE books_away RENAME TO books');
    }
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(await stateOf(buyer)).toMatchObject({ status: 'pending' });
    const retried = await deliverWebhook(event);
    expect(await retried.json()).toMatchObject({ duplicate: false, outcome: 'order' });
    expect(await stateOf(buyer)).toMatchObject({ status: 'complete' });
    expect(await mailsTo('retry@example.com')).toHaveLength(1);
  });

  it('refuses a body over 1 MB before reading it as an event', async () => {
    const buyer = await newBuyer();
    const event = sessionEvent('checkout.session.completed', { id: buyer.sessionId, slug: SLUG, email: 'big@example.com' });
    (event.data.object as Record<string, unknown>).padding = 'x'.repeat(1024 * 1024);
    const res = await deliverWebhook(event);
    expect(res.status).toBe(413);
    expect(await stateOf(buyer)).toMatchObject({ status: 'pending' });
  });
});
