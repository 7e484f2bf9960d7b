import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { admin, deliverWebhook, downloadUrl, eventId, libraryOf, publishBook, refundEvent, sessionEvent, startCheckout } from './fixtures.ts';

const SLUG = 'webhook-book';
beforeAll(async () => {
  await publishBook(SLUG);
});

const orderCount = async () => (await env.DB.prepare('SELECT COUNT(*) AS n FROM orders').first<{ n: number }>())!.n;
const entitlementOf = (sessionId: string) =>
  env.DB.prepare('SELECT e.revoked_at, e.revoke_reason FROM entitlements e JOIN orders o ON o.id = e.order_id WHERE o.checkout_session_id = ?')
    .bind(sessionId)
    .first<{ revoked_at: string | null; revoke_reason: string | null }>();
/** A session id Stripe might send that no checkout here started. */
const strangeSession = () => `cs_test_wh_${crypto.randomUUID().replace(/-/g, '')}`;
/** A checkout started through the store, as every real sale is. */
const newSession = async () => (await startCheckout(SLUG)).sessionId;

describe('Stripe webhook signatures', () => {
  it('accepts a correctly signed checkout.session.completed and creates the order and entitlement', async () => {
    const id = await newSession();
    const res = await deliverWebhook(sessionEvent('checkout.session.completed', { id, slug: SLUG, email: 'Buyer@Example.com' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ received: true, duplicate: false, outcome: 'order' });
    const order = await env.DB.prepare('SELECT * FROM orders WHERE checkout_session_id = ?').bind(id).first<Record<string, unknown>>();
    expect(order?.id).toMatch(/^pur_[0-9a-f]{32}$/);
    expect(order).toMatchObject({ book_slug: SLUG, email: 'buyer@example.com', amount: 29900, currency: 'TWD', source: 'stripe' });
    expect(await entitlementOf(id)).toMatchObject({ revoked_at: null });
    const mail = await env.DB.prepare('SELECT body FROM mail_outbox WHERE to_email = ?').bind('buyer@example.com').first<{ body: string }>();
    expect(mail?.body).toMatch(/https:\/\/bindery\.test\/library\//);
  });

  const rejected: [string, () => Promise<Response>][] = [
    ['signed with the wrong secret', () => deliverWebhook(sessionEvent('checkout.session.completed', { id: strangeSession(), slug: SLUG, email: 'x@example.com' }), { secret: 'whsec_wrong' })],
    ['with a stale timestamp (6 minutes old)', () =>
      deliverWebhook(sessionEvent('checkout.session.completed', { id: strangeSession(), slug: SLUG, email: 'x@example.com' }), { timestamp: Math.floor(Date.now() / 1000) - 360 })],
    ['whose body was altered after signing', async () => {
      const event = sessionEvent('checkout.session.completed', { id: strangeSession(), slug: SLUG, email: 'x@example.com' });
      const altered = JSON.stringify(event).replace('x@example.com', 'thief@example.com');
      return deliverWebhook(event, { body: altered });
    }],
    ['without a Stripe-Signature header', () => deliverWebhook(sessionEvent('checkout.session.completed', { id: strangeSession(), slug: SLUG, email: 'x@example.com' }), { header: null })],
    ['with a malformed Stripe-Signature header', () => deliverWebhook(sessionEvent('checkout.session.completed', { id: strangeSession(), slug: SLUG, email: 'x@example.com' }), { header: 'v1=zz,t=abc' })],
  ];
  for (const [name, send] of rejected) {
    it(`rejects a webhook ${name} with 400 and changes nothing`, async () => {
      const before = await orderCount();
      const res = await send();
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await orderCount()).toBe(before);
    });
  }

  it('accepts a header carrying several v1 signatures when any one matches (secret rotation)', async () => {
    const event = sessionEvent('checkout.session.completed', { id: await newSession(), slug: SLUG, email: 'rotate@example.com' });
    const { signStripePayload } = await import('../../../src/commerce/stripe-signature.ts');
    const good = await signStripePayload('whsec_test_bindery', JSON.stringify(event));
    const header = `${good.split(',')[0]},v1=${'0'.repeat(64)},${good.split(',')[1]}`;
    expect((await deliverWebhook(event, { header })).status).toBe(200);
  });

  it('rejects a signed body that is not a Stripe event', async () => {
    expect((await deliverWebhook({ hello: 'world' })).status).toBe(400);
  });
});

describe('Stripe webhook events', () => {
  it('acknowledges a replayed event with 200 and does nothing new', async () => {
    const id = await newSession();
    const event = sessionEvent('checkout.session.completed', { id, slug: SLUG, email: 'replay@example.com' });
    expect((await deliverWebhook(event)).status).toBe(200);
    const mails = async () => (await env.DB.prepare('SELECT COUNT(*) AS n FROM mail_outbox WHERE to_email = ?').bind('replay@example.com').first<{ n: number }>())!.n;
    const before = { orders: await orderCount(), mails: await mails() };
    const replay = await deliverWebhook(event);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ duplicate: true });
    expect({ orders: await orderCount(), mails: await mails() }).toEqual(before);
  });

  it('leaves the entitlement revoked when the refund arrives before the completion', async () => {
    const id = await newSession();
    const intent = `pi_${id}`;
    expect((await deliverWebhook(refundEvent(intent))).status).toBe(200);
    expect((await deliverWebhook(sessionEvent('checkout.session.completed', { id, slug: SLUG, email: 'early-refund@example.com', paymentIntent: intent }))).status).toBe(200);
    expect(await entitlementOf(id)).toMatchObject({ revoke_reason: 'refunded' });
    expect((await entitlementOf(id))!.revoked_at).not.toBeNull();
  });

  it('revokes the entitlement when the refund arrives after the completion', async () => {
    const id = await newSession();
    await deliverWebhook(sessionEvent('checkout.session.completed', { id, slug: SLUG, email: 'late-refund@example.com' }));
    expect((await entitlementOf(id))!.revoked_at).toBeNull();
    await deliverWebhook(refundEvent(`pi_${id}`));
    expect(await entitlementOf(id)).toMatchObject({ revoke_reason: 'refunded' });
  });

  it('waits for an async payment and grants the book when checkout.session.async_payment_succeeded arrives', async () => {
    const id = await newSession();
    const pending = await deliverWebhook(sessionEvent('checkout.session.completed', { id, slug: SLUG, email: 'async@example.com', paymentStatus: 'unpaid' }));
    expect(await pending.json()).toMatchObject({ outcome: expect.stringContaining('ignored') });
    expect(await entitlementOf(id)).toBeNull();
    const paid = await deliverWebhook(sessionEvent('checkout.session.async_payment_succeeded', { id, slug: SLUG, email: 'async@example.com' }));
    expect(paid.status).toBe(200);
    expect(await entitlementOf(id)).toMatchObject({ revoked_at: null });
  });

  it('keeps the book revoked after a failed async payment, even when a completion arrives later', async () => {
    const id = await newSession();
    await deliverWebhook(sessionEvent('checkout.session.async_payment_failed', { id, slug: SLUG, email: 'failed@example.com', paymentStatus: 'unpaid' }));
    await deliverWebhook(sessionEvent('checkout.session.completed', { id, slug: SLUG, email: 'failed@example.com' }));
    expect(await entitlementOf(id)).toMatchObject({ revoke_reason: 'payment failed' });
  });

  it('ignores sessions that are not Bindery sales (no metadata.slug) without failing', async () => {
    const event = sessionEvent('checkout.session.completed', { id: strangeSession(), slug: SLUG, email: 'other@example.com' });
    (event.data.object as { metadata: unknown }).metadata = {};
    const res = await deliverWebhook(event);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ outcome: expect.stringContaining('not a Bindery sale') });
  });

  it('keeps partial refunds from revoking the book', async () => {
    const id = await newSession();
    await deliverWebhook(sessionEvent('checkout.session.completed', { id, slug: SLUG, email: 'partial@example.com' }));
    const partial = refundEvent(`pi_${id}`, eventId());
    (partial.data.object as { refunded: boolean }).refunded = false;
    await deliverWebhook(partial);
    expect((await entitlementOf(id))!.revoked_at).toBeNull();
  });
});

describe('what a paid session must match before it grants the book', () => {
  const completed = (id: string, email: string, change: Record<string, unknown>) => {
    const event = sessionEvent('checkout.session.completed', { id, slug: SLUG, email });
    Object.assign(event.data.object, change);
    return event;
  };

  it('holds an order for review when the amount paid is not the price the checkout asked', async () => {
    const id = await newSession();
    const res = await deliverWebhook(completed(id, 'cheap@example.com', { amount_total: 100 }));
    expect(res.status).toBe(200);
    expect((await entitlementOf(id))!.revoked_at).not.toBeNull();
    const orders = (await (await admin(`/api/v1/books/${SLUG}/orders`)).json()) as { orders: { id: string; email: string; reviewReason: string | null }[] };
    expect(orders.orders.find((o) => o.email === 'cheap@example.com')?.reviewReason).toMatch(/paid 100 TWD, the checkout asked for 29900 TWD/);
    const mails = async () => (await env.DB.prepare('SELECT COUNT(*) AS n FROM mail_outbox WHERE to_email = ?').bind('cheap@example.com').first<{ n: number }>())!.n;
    expect(await mails()).toBe(0);

    // The publisher checks the payment and releases the order: the buyer gets their book and the mail.
    const held = orders.orders.find((o) => o.email === 'cheap@example.com')!;
    const released = await admin(`/api/v1/orders/${held.id}/release`, { method: 'POST' });
    expect(released.status).toBe(200);
    expect(await released.json()).toMatchObject({ reviewReason: null, entitlement: { revokedAt: null } });
    expect((await entitlementOf(id))!.revoked_at).toBeNull();
    expect(await mails()).toBe(1);
    expect((await admin(`/api/v1/orders/${held.id}/release`, { method: 'POST' })).status).toBe(409);
  });

  it('never releases an order that was refunded while held', async () => {
    const id = await newSession();
    await deliverWebhook(completed(id, 'held-refund@example.com', { amount_total: 5, payment_intent: `pi_${id}` }));
    await deliverWebhook(refundEvent(`pi_${id}`));
    const list = (await (await admin(`/api/v1/books/${SLUG}/orders`)).json()) as { orders: { id: string; email: string }[] };
    const held = list.orders.find((o) => o.email === 'held-refund@example.com')!;
    const release = await admin(`/api/v1/orders/${held.id}/release`, { method: 'POST' });
    expect(release.status).toBe(409);
    expect(((await release.json()) as { detail: string }).detail).toMatch(/refunded/);
    expect((await entitlementOf(id))!.revoked_at).not.toBeNull();
  });

  it('holds an order paid in another currency, or from a session this store never started', async () => {
    const other = await newSession();
    await deliverWebhook(completed(other, 'usd@example.com', { currency: 'usd' }));
    expect((await entitlementOf(other))!.revoked_at).not.toBeNull();
    const stranger = strangeSession();
    await deliverWebhook(completed(stranger, 'stranger@example.com', {}));
    expect((await entitlementOf(stranger))!.revoke_reason).toMatch(/not started by this store/);
  });

  it('grants a session that needed no payment only when a discount covered the whole price', async () => {
    const covered = await newSession();
    await deliverWebhook(completed(covered, 'promo@example.com', { payment_status: 'no_payment_required', amount_total: 0, total_details: { amount_discount: 29900 } }));
    expect((await entitlementOf(covered))!.revoked_at).toBeNull();
    const free = await newSession();
    await deliverWebhook(completed(free, 'free@example.com', { payment_status: 'no_payment_required', amount_total: 0 }));
    expect((await entitlementOf(free))!.revoked_at).not.toBeNull();
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
    const id = await newSession();
    const event = sessionEvent('checkout.session.completed', { id, slug: SLUG, email: 'retry@example.com' });
    // Break the books table for one delivery: the lookup of the book fails as a D1 outage would.
    await env.DB.exec('ALTER TABLE books RENAME TO books_away');
    let failed: Response;
    try {
      failed = await deliverWebhook(event);
    } finally {
      await env.DB.exec('ALTER TABLE books_away RENAME TO books');
    }
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(await entitlementOf(id)).toBeNull();
    const retried = await deliverWebhook(event);
    expect(await retried.json()).toMatchObject({ duplicate: false, outcome: 'order' });
    expect((await entitlementOf(id))!.revoked_at).toBeNull();
  });

  it('refuses a body over 1 MB before reading it as an event', async () => {
    const event = sessionEvent('checkout.session.completed', { id: strangeSession(), slug: SLUG, email: 'big@example.com' });
    (event.data.object as Record<string, unknown>).padding = 'x'.repeat(1024 * 1024);
    const res = await deliverWebhook(event);
    expect(res.status).toBe(413);
    expect(await entitlementOf(event.data.object.id)).toBeNull();
  });
});
