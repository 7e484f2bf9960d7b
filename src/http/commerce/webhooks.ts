import { createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { BookRepository } from '../../catalog/books.ts';
import { EditionRepository } from '../../catalog/editions.ts';
import { CheckoutSessions } from '../../commerce/checkouts.ts';
import { toMinorUnits } from '../../commerce/money.ts';
import { queueLibraryMail } from '../../commerce/library.ts';
import { mailSender, Outbox } from '../../commerce/mail.ts';
import { OrderRepository } from '../../commerce/orders.ts';
import { applyStripeEvent, claimEvent, parseStripeEvent, releaseEvent } from '../../commerce/stripe-events.ts';
import { verifyStripeSignature } from '../../commerce/stripe-signature.ts';
import type { AppEnv } from '../app.ts';
import { BinderyError } from '../../errors.ts';
import { problem, problemResponse } from '../problem.ts';
import { commerceRouter, config, jsonContent, problems } from './common.ts';
import { trustedOrigin } from '../origin.ts';

/** Stripe's events are a few KB; nothing larger is read, let alone verified. */
const MAX_WEBHOOK_BYTES = 1024 * 1024;

const ReceiptSchema = z
  .object({ received: z.literal(true), duplicate: z.boolean(), outcome: z.string() })
  .openapi('WebhookReceipt');

/** Stripe's webhook: signature first, then exactly-once handling by event id. */
export function webhookRoutes() {
  const app = commerceRouter<AppEnv>();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/webhooks/stripe',
      tags: ['commerce'],
      summary: 'Stripe webhook endpoint (checkout completed, async payment result, refunds)',
      description: 'Requires a valid `Stripe-Signature` header within 5 minutes of its timestamp. A replayed event id is acknowledged and ignored.',
      middleware: [bodyLimit({ maxSize: MAX_WEBHOOK_BYTES, onError: () => problemResponse(problem(413, 'A webhook body is at most 1 MB.')) })],
      request: { headers: z.object({ 'stripe-signature': z.string().optional() }) },
      responses: {
        200: jsonContent(ReceiptSchema, 'Event handled (or already handled)'),
        ...problems({
          400: 'Unsigned, wrongly signed, stale or malformed request; nothing changed',
          413: 'Body over 1 MB; nothing changed',
          500: 'Storage failed; the event was not recorded, so Stripe retries it',
        }),
      },
    }),
    async (c) => {
      const settings = config(c.env);
      const rawBody = await c.req.text();
      await verifyStripeSignature(rawBody, c.req.header('stripe-signature'), settings.STRIPE_WEBHOOK_SECRET);
      const event = parseStripeEvent(rawBody);
      // Before anything is recorded: a misconfigured origin must fail the delivery, not strand a paid order without its mail.
      const origin = trustedOrigin(c);
      if (!(await claimEvent(c.env.DB, event))) return c.json({ received: true as const, duplicate: true, outcome: 'already handled' }, 200);
      try {
        const books = new BookRepository(c.env.DB);
        const checkouts = new CheckoutSessions(c.env.DB, settings.SIGNING_KEY);
        const editions = new EditionRepository(c.env.DB);
        const outcome = await applyStripeEvent(event, new OrderRepository(c.env.DB), {
          // Only a book that is really not there is "unknown"; a storage failure throws, un-claims the event, and Stripe retries.
          bookExists: (slug) =>
            books.get(slug).then(
              () => true,
              (err) => {
                if (err instanceof BinderyError && err.code === 'not-found') return false;
                throw err;
              },
            ),
          checkout: (sessionId) => checkouts.get(sessionId),
          keepsBuyerNames: settings.LICENCE_LINE === 'name',
          bookPrice: async (slug) => {
            const price = (await editions.published(slug))?.meta.price;
            return price ? { amount: toMinorUnits(price.amount, price.currency), currency: price.currency } : null;
          },
        });
        // Not only when this delivery created the order: a retry after a failure past the order's creation (the claim
        // was released) must still send the mail. Replays of a handled event never get here.
        if (outcome.kind === 'order' && !outcome.order.entitlement.revokedAt) {
          const { mailId } = await queueLibraryMail(c.env.DB, settings, outcome.order.email, origin, 'purchase');
          c.executionCtx.waitUntil(new Outbox(c.env.DB).deliver(mailSender(settings), { id: mailId }));
        }
        const summary = outcome.kind === 'ignored' ? `ignored: ${outcome.reason}` : outcome.kind;
        return c.json({ received: true as const, duplicate: false, outcome: summary }, 200);
      } catch (err) {
        await releaseEvent(c.env.DB, event.id);
        throw err;
      }
    },
  );

  return app;
}
