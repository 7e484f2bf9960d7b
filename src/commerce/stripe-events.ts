import { z } from 'zod';
import { nowIso } from '../catalog/clock.ts';
import { BinderyError } from '../errors.ts';
import type { StartedCheckout } from './checkouts.ts';
import type { OrderRepository, OrderWithEntitlement } from './orders.ts';

const eventSchema = z.object({
  id: z.string().min(1).max(255),
  type: z.string().min(1),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});
export type StripeEvent = z.infer<typeof eventSchema>;

const sessionSchema = z.object({
  id: z.string().min(1),
  payment_status: z.string(),
  amount_total: z.number().int().nonnegative().nullable(),
  currency: z.string().nullable(),
  customer_email: z.string().nullish(),
  customer_details: z.object({ email: z.string().nullish(), name: z.string().max(1000).nullish() }).nullish(),
  total_details: z.object({ amount_discount: z.number().int().nullish() }).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  payment_intent: z.string().nullish(),
});

const chargeSchema = z.object({
  id: z.string().min(1),
  payment_intent: z.string().nullish(),
  refunded: z.boolean(),
});

/** Parses a verified webhook body. @throws BinderyError('invalid-input') for anything that is not a Stripe event. */
export function parseStripeEvent(rawBody: string): StripeEvent {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new BinderyError('invalid-input', 'the webhook body is not JSON');
  }
  const parsed = eventSchema.safeParse(json);
  if (!parsed.success) throw new BinderyError('invalid-input', 'the webhook body is not a Stripe event');
  return parsed.data;
}

export type EventOutcome =
  | { kind: 'order'; order: OrderWithEntitlement; created: boolean }
  | { kind: 'reversed' }
  | { kind: 'ignored'; reason: string };

/** What applying an event needs to know about the store: its books, and the checkouts it started. */
export interface StoreLookup {
  /** Whether the book exists; storage failures must throw, not answer false. */
  bookExists(slug: string): Promise<boolean>;
  checkout(sessionId: string): Promise<StartedCheckout | null>;
  /** The book's current price in minor units, or null when it has none. */
  bookPrice(slug: string): Promise<{ amount: number; currency: string } | null>;
  /** Whether the deployment prints buyers' names on their copies: only then is the payer's name kept. */
  keepsBuyerNames?: boolean;
}

/**
 * Applies one Stripe event. Paid completions create the order and
 * entitlement — held for review when the payment is not what the checkout
 * asked; refunds and failed async payments revoke it — or are remembered and
 * revoke it when the completion arrives later.
 */
export async function applyStripeEvent(event: StripeEvent, orders: OrderRepository, store: StoreLookup): Promise<EventOutcome> {
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      const session = parse(sessionSchema, event);
      const paid = session.payment_status === 'paid' || session.payment_status === 'no_payment_required';
      if (!paid) return { kind: 'ignored', reason: `payment is ${session.payment_status}; waiting for the async payment result` };
      const slug = session.metadata?.slug;
      if (!slug) return { kind: 'ignored', reason: 'session has no metadata.slug: not a Bindery sale' };
      if (!(await store.bookExists(slug))) return { kind: 'ignored', reason: `session names an unknown book "${slug}"` };
      const email = session.customer_details?.email ?? session.customer_email;
      if (!email) throw new BinderyError('invalid-input', `checkout session ${session.id} carries no customer email`);
      const amount = session.amount_total ?? 0;
      const currency = (session.currency ?? '').toUpperCase();
      const result = await orders.create({
        checkoutSessionId: session.id,
        bookSlug: slug,
        email,
        amount,
        currency: currency || 'XXX',
        source: 'stripe',
        paymentIntent: session.payment_intent ?? null,
        buyerName: store.keepsBuyerNames ? session.customer_details?.name : null,
        reviewReason: paymentMismatch(session, slug, await askedPrice(store, session.id, slug)),
      });
      return { kind: 'order', ...result };
    }
    case 'checkout.session.async_payment_failed': {
      const session = parse(sessionSchema, event);
      await orders.reverse({ sessionId: session.id, paymentIntent: session.payment_intent ?? undefined, reason: 'payment failed', eventId: event.id });
      return { kind: 'reversed' };
    }
    case 'charge.refunded': {
      const charge = parse(chargeSchema, event);
      if (!charge.refunded) return { kind: 'ignored', reason: 'partial refund: the buyer keeps the book' };
      if (!charge.payment_intent) return { kind: 'ignored', reason: 'refunded charge has no payment intent' };
      await orders.reverse({ paymentIntent: charge.payment_intent, reason: 'refunded', eventId: event.id });
      return { kind: 'reversed' };
    }
    default:
      return { kind: 'ignored', reason: `event type ${event.type} is not used` };
  }
}

/**
 * What the buyer was asked to pay: the price recorded when this store
 * started the checkout; for a session it did not start (a Stripe payment link,
 * a checkout begun before checkouts were recorded), the book's current price.
 */
async function askedPrice(store: StoreLookup, sessionId: string, slug: string): Promise<StartedCheckout | null> {
  const started = await store.checkout(sessionId);
  if (started) return started;
  const price = await store.bookPrice(slug);
  return price && { id: sessionId, bookSlug: slug, amount: price.amount, currency: price.currency.toUpperCase() };
}

/**
 * Why a completed session must not grant the book by itself, or null: there
 * is no price to hold it to, or Stripe reports another book, amount or
 * currency than the buyer was asked. A session that needed no
 * payment passes only when a discount covered the whole price.
 */
function paymentMismatch(session: z.infer<typeof sessionSchema>, slug: string, asked: StartedCheckout | null): string | null {
  if (!asked) return `"${slug}" has no price, and the checkout session was not started by this store`;
  if (asked.bookSlug !== slug) return `the session names "${slug}" but the checkout was for "${asked.bookSlug}"`;
  const amount = session.amount_total ?? 0;
  const currency = (session.currency ?? '').toUpperCase();
  if (currency !== asked.currency) return `paid in ${currency || 'no currency'}, the checkout asked for ${asked.currency}`;
  if (session.payment_status === 'no_payment_required') {
    const discount = session.total_details?.amount_discount ?? 0;
    return amount === 0 && discount === asked.amount ? null : `no payment was required, but no discount covered the price of ${asked.amount} ${asked.currency}`;
  }
  return amount === asked.amount ? null : `paid ${amount} ${currency}, the checkout asked for ${asked.amount} ${asked.currency}`;
}

function parse<T>(schema: z.ZodType<T>, event: StripeEvent): T {
  const parsed = schema.safeParse(event.data.object);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BinderyError('invalid-input', `${event.type} event ${event.id}: data.object.${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

/** Claims an event id before handling it; false when it was handled already (a replay). */
export async function claimEvent(db: D1Database, event: StripeEvent): Promise<boolean> {
  const result = await db
    .prepare('INSERT INTO stripe_events (id, type, received_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING')
    .bind(event.id, event.type, nowIso())
    .run();
  return result.meta.changes > 0;
}

/** Releases a claim when handling failed, so Stripe's retry is processed rather than skipped. */
export async function releaseEvent(db: D1Database, eventId: string): Promise<void> {
  await db.prepare('DELETE FROM stripe_events WHERE id = ?').bind(eventId).run();
}
