import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { deliverWebhook, eventId, publishBook, refundEvent, sessionEvent } from './fixtures.ts';

const SLUG = 'webhook-book';
beforeAll(async () => {
  await publishBook(SLUG);
});

const orderCount = async () => (await env.DB.prepare('SELECT COUNT(*) AS n FROM orders').first<{ n: number }>())!.n;
const entitlementOf = (orderId: string) =>
  env.DB.prepare('SELECT revoked_at, revoke_reason FROM entitlements WHERE order_id = ?').bind(orderId).first<{ revoked_at: string | null; revoke_reason: string | null }>();
const newSession = () => `cs_test_wh_${crypto.randomUUID().replace(/-/g, '')}`;

describe('Stripe webhook signatures', () => {
  it('accepts a correctly signed checkout.session.completed and creates the order and entitlement', async () => {
    const id = newSession();
    const res = await deliverWebhook(sessionEvent('checkout.session.completed', { id, slug: SLUG, email: 'Buyer@Example.com' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ received: true, duplicate: false, outcome: 'order' });
    const order = await env.DB.prepare('SELECT * FROM orders WHERE id = ?').bind(id).first<Record<string, unknown>>();
    expect(order).toMatchObject({ book_slug: SLUG, email: 'buyer@example.com', amount: 29900, currency: 'TWD', source: 'stripe' });
    expect(await entitlementOf(id)).toMatchObject({ revoked_at: null });
    const mail = await env.DB.prepare('SELECT body FROM mail_outbox WHERE to_email = ?').bind('buyer@example.com').first<{ body: string }>();
    expect(mail?.body).toMatch(/https:\/\/bindery\.test\/library\//);
  });

  const rejected: [string, () => Promise<Response>][] = [
    ['signed with the wrong secret', () => deliverWebhook(sessionEvent('checkout.session.completed', { id: newSession(), slug: SLUG, email: 'x@example.com' }), { secret: 'whsec_wrong' })],
    ['with a stale timestamp (6 minutes old)', () =>
      deliverWebhook(sessionEvent('checkout.session.completed', { id: newSession(), slug: SLUG, email: 'x@example.com' }), { timestamp: Math.floor(Date.now() / 1000) - 360 })],
    ['whose body was altered after signing', async () => {
      const event = sessionEvent('checkout.session.completed', { id: newSession(), slug: SLUG, email: 'x@example.com' });
      const altered = JSON.stringify(event).replace('x@example.com', 'thief@example.com');
      return deliverWebhook(event, { body: altered });
    }],
    ['without a Stripe-Signature header', () => deliverWebhook(sessionEvent('checkout.session.completed', { id: newSession(), slug: SLUG, email: 'x@example.com' }), { header: null })],
    ['with a malformed Stripe-Signature header', () => deliverWebhook(sessionEvent('checkout.session.completed', { id: newSession(), slug: SLUG, email: 'x@example.com' }), { header: 'v1=zz,t=abc' })],
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
    const event = sessionEvent('checkout.session.completed', { id: newSession(), slug: SLUG, email: 'rotate@example.com' });
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
    const id = newSession();
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
    const id = newSession();
    const intent = `pi_${id}`;
    expect((await deliverWebhook(refundEvent(intent))).status).toBe(200);
    expect((await deliverWebhook(sessionEvent('checkout.session.completed', { id, slug: SLUG, email: 'early-refund@example.com', paymentIntent: intent }))).status).toBe(200);
    expect(await entitlementOf(id)).toMatchObject({ revoke_reason: 'refunded' });
    expect((await entitlementOf(id))!.revoked_at).not.toBeNull();
  });

  it('revokes the entitlement when the refund arrives after the completion', async () => {
    const id = newSession();
    await deliverWebhook(sessionEvent('checkout.session.completed', { id, slug: SLUG, email: 'late-refund@example.com' }));
    expect((await entitlementOf(id))!.revoked_at).toBeNull();
    await deliverWebhook(refundEvent(`pi_${id}`));
    expect(await entitlementOf(id)).toMatchObject({ revoke_reason: 'refunded' });
  });

  it('waits for an async payment and grants the book when checkout.session.async_payment_succeeded arrives', async () => {
    const id = newSession();
    const pending = await deliverWebhook(sessionEvent('checkout.session.completed', { id, slug: SLUG, email: 'async@example.com', paymentStatus: 'unpaid' }));
    expect(await pending.json()).toMatchObject({ outcome: expect.stringContaining('ignored') });
    expect(await entitlementOf(id)).toBeNull();
    const paid = await deliverWebhook(sessionEvent('checkout.session.async_payment_succeeded', { id, slug: SLUG, email: 'async@example.com' }));
    expect(paid.status).toBe(200);
    expect(await entitlementOf(id)).toMatchObject({ revoked_at: null });
  });

  it('keeps the book revoked after a failed async payment, even when a completion arrives later', async () => {
    const id = newSession();
    await deliverWebhook(sessionEvent('checkout.session.async_payment_failed', { id, slug: SLUG, email: 'failed@example.com', paymentStatus: 'unpaid' }));
    await deliverWebhook(sessionEvent('checkout.session.completed', { id, slug: SLUG, email: 'failed@example.com' }));
    expect(await entitlementOf(id)).toMatchObject({ revoke_reason: 'payment failed' });
  });

  it('ignores sessions that are not Bindery sales (no metadata.slug) without failing', async () => {
    const event = sessionEvent('checkout.session.completed', { id: newSession(), slug: SLUG, email: 'other@example.com' });
    (event.data.object as { metadata: unknown }).metadata = {};
    const res = await deliverWebhook(event);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ outcome: expect.stringContaining('not a Bindery sale') });
  });

  it('keeps partial refunds from revoking the book', async () => {
    const id = newSession();
    await deliverWebhook(sessionEvent('checkout.session.completed', { id, slug: SLUG, email: 'partial@example.com' }));
    const partial = refundEvent(`pi_${id}`, eventId());
    (partial.data.object as { refunded: boolean }).refunded = false;
    await deliverWebhook(partial);
    expect((await entitlementOf(id))!.revoked_at).toBeNull();
  });
});
