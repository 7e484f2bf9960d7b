import { z } from '@hono/zod-openapi';
import type { OrderWithEntitlement } from '../../commerce/orders.ts';
import { problems } from './common.ts';

/** How the publisher's routes (admin.ts, verify.ts) show an order, and what they share in OpenAPI. */
export const security = [{ bearer: [] }];
export const adminProblems = (more: Record<number, string> = {}) =>
  problems({ 401: 'Missing, unknown or revoked token', 403: 'The token lacks the admin scope', ...more });

export const EntitlementSchema = z
  .object({ id: z.string(), revokedAt: z.string().nullable(), revokeReason: z.string().nullable() })
  .openapi('Entitlement');
export const OrderSchema = z
  .object({
    id: z.string(),
    bookSlug: z.string(),
    email: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    source: z.enum(['stripe', 'grant']),
    reviewReason: z.string().nullable().openapi({ description: 'Why the payment was held for review (amount or currency not what the checkout asked); null when granted' }),
    createdAt: z.string(),
    entitlement: EntitlementSchema,
  })
  .openapi('Order');

export const orderView = (o: OrderWithEntitlement) => ({
  id: o.id,
  bookSlug: o.bookSlug,
  email: o.email,
  amount: o.amount,
  currency: o.currency,
  source: o.source,
  reviewReason: o.reviewReason,
  createdAt: o.createdAt,
  entitlement: { id: o.entitlement.id, revokedAt: o.entitlement.revokedAt, revokeReason: o.entitlement.revokeReason },
});

