import { createRoute, z } from '@hono/zod-openapi';
import { EditionRepository } from '../../catalog/editions.ts';
import { bookSlugSchema } from '../../catalog/schemas.ts';
import { queueLibraryMail } from '../../commerce/library.ts';
import { mailSender, Outbox } from '../../commerce/mail.ts';
import { OrderRepository } from '../../commerce/orders.ts';
import { BinderyError } from '../../errors.ts';
import { requireScope, type EditorEnv } from '../auth.ts';
import { commerceRouter, config, emailSchema, jsonContent, limitFormBody } from './common.ts';
import { adminProblems, EntitlementSchema, OrderSchema, orderView, security } from './order-view.ts';
import { verifyRoutes } from './verify.ts';
import { trustedOrigin } from '../origin.ts';

const admin = requireScope('admin');

/** Publisher tools: verify a leaked file (verify.ts), grant complimentary copies, revoke, list orders. */
export function commerceAdminRoutes() {
  const app = commerceRouter<EditorEnv>();
  app.route('/', verifyRoutes());

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/grants',
      tags: ['commerce'],
      summary: 'Give a complimentary copy of a published book (admin)',
      security,
      middleware: [admin, limitFormBody],
      request: {
        body: { required: true, content: { 'application/json': { schema: z.object({ email: emailSchema, slug: bookSlugSchema }).openapi('GrantRequest') } } },
      },
      responses: {
        201: jsonContent(z.object({ order: OrderSchema, libraryUrl: z.url() }).openapi('Grant'), 'Granted; the link was also mailed'),
        ...adminProblems({ 400: 'Invalid input', 404: 'Unknown or unpublished book' }),
      },
    }),
    async (c) => {
      const { email, slug } = c.req.valid('json');
      if (!(await new EditionRepository(c.env.DB).published(slug))) throw new BinderyError('not-found', `no published book "${slug}"`, { field: 'slug' });
      const settings = config(c.env);
      const origin = trustedOrigin(c); // before the grant is recorded, so a misconfiguration records nothing
      const { order } = await new OrderRepository(c.env.DB).create({ bookSlug: slug, email, amount: 0, currency: 'XXX', source: 'grant' });
      const { mailId, libraryUrl } = await queueLibraryMail(c.env.DB, settings, email, origin, 'grant');
      c.executionCtx.waitUntil(new Outbox(c.env.DB).deliver(mailSender(settings), { id: mailId }));
      return c.json({ order: orderView(order), libraryUrl }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/entitlements/{id}',
      tags: ['commerce'],
      summary: "Revoke an entitlement: its owner's download links stop working (admin)",
      security,
      middleware: [admin],
      request: {
        params: z.object({ id: z.string().min(1).max(100) }),
        query: z.object({ reason: z.string().min(1).max(200).optional() }),
      },
      responses: { 200: jsonContent(EntitlementSchema, 'Revoked (revoking again keeps the first time)'), ...adminProblems({ 404: 'Unknown entitlement' }) },
    }),
    async (c) => {
      const reason = c.req.valid('query').reason ?? 'revoked by the publisher';
      const ent = await new OrderRepository(c.env.DB).revokeEntitlement(c.req.valid('param').id, reason);
      return c.json({ id: ent.id, revokedAt: ent.revokedAt, revokeReason: ent.revokeReason }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/books/{slug}/orders',
      tags: ['commerce'],
      summary: 'Orders and grants of a book, newest first (admin)',
      security,
      middleware: [admin],
      request: { params: z.object({ slug: bookSlugSchema }) },
      responses: { 200: jsonContent(z.object({ orders: z.array(OrderSchema) }), 'The orders'), ...adminProblems() },
    }),
    async (c) => {
      const orders = await new OrderRepository(c.env.DB).listForBook(c.req.valid('param').slug);
      return c.json({ orders: orders.map(orderView) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/orders/{id}/release',
      tags: ['commerce'],
      summary: 'Grant a paid order that was held for review, and mail the buyer their library link (admin)',
      description: 'An order is held when Stripe reports another amount or currency than the checkout asked. Refunded or revoked orders stay as they are.',
      security,
      middleware: [admin],
      request: { params: z.object({ id: z.string().min(1).max(100) }) },
      responses: { 200: jsonContent(OrderSchema, 'Released: the entitlement is live'), ...adminProblems({ 404: 'Unknown purchase', 409: 'The order is not held for review' }) },
    }),
    async (c) => {
      const origin = trustedOrigin(c); // before the release is recorded, so a misconfiguration releases nothing
      const order = await new OrderRepository(c.env.DB).release(c.req.valid('param').id);
      const settings = config(c.env);
      const { mailId } = await queueLibraryMail(c.env.DB, settings, order.email, origin, 'purchase');
      c.executionCtx.waitUntil(new Outbox(c.env.DB).deliver(mailSender(settings), { id: mailId }));
      return c.json(orderView(order), 200);
    },
  );

  return app;
}
