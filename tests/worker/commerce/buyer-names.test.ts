import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { OrderRepository } from '../../../src/commerce/orders.ts';
import { applyStripeEvent, parseStripeEvent, type StoreLookup } from '../../../src/commerce/stripe-events.ts';
import { publishBook, sessionEvent } from './fixtures.ts';

/**
 * Issue 13: a deployment may print the buyer's name on the visible licence
 * line (LICENCE_LINE=name). The payer's name Stripe reports is kept with the
 * order only there; everywhere else no name is stored.
 */
function completedWithName(sessionId: string, name: string) {
  const event = sessionEvent('checkout.session.completed', { id: sessionId, slug: 'names-book', email: 'ana@example.com' });
  (event.data.object.customer_details as { name?: string }).name = name;
  return parseStripeEvent(JSON.stringify(event));
}

const store = (keepsBuyerNames: boolean): StoreLookup => ({
  bookExists: async () => true,
  checkout: async () => null,
  bookPrice: async () => ({ amount: 29900, currency: 'TWD' }),
  keepsBuyerNames,
});

describe("the payer's name on an order", () => {
  beforeAll(async () => {
    await publishBook('names-book');
  });

  it('is kept, cleaned of formatting characters, where the licence line prints it', async () => {
    const orders = new OrderRepository(env.DB);
    const outcome = await applyStripeEvent(completedWithName('cs_test_names_kept', 'José \u202eÁlvarez\u0007  陳'), orders, store(true));
    expect(outcome.kind).toBe('order');
    const order = await orders.byCheckoutSession('cs_test_names_kept');
    expect(order?.buyerName).toBe('José Álvarez 陳');
  });

  it('is not stored by a deployment whose licence line does not print it', async () => {
    const orders = new OrderRepository(env.DB);
    await applyStripeEvent(completedWithName('cs_test_names_dropped', 'José Álvarez'), orders, store(false));
    expect((await orders.byCheckoutSession('cs_test_names_dropped'))?.buyerName).toBeNull();
  });
});
