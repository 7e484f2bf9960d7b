import { createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { EditionRepository } from '../../catalog/editions.ts';
import { bookSlugSchema } from '../../catalog/schemas.ts';
import { queueLibraryMail } from '../../commerce/library.ts';
import { mailSender, Outbox } from '../../commerce/mail.ts';
import { OrderRepository, type OrderWithEntitlement } from '../../commerce/orders.ts';
import { BinderyError } from '../../errors.ts';
import { FORMATS, MEDIA_TYPES } from '../../formats/registry.ts';
import { readStamp } from '../../formats/read-stamp.ts';
import { requireScope, type EditorEnv } from '../auth.ts';
import { problem, problemResponse } from '../problem.ts';
import { commerceRouter, config, emailSchema, jsonContent, problems } from './common.ts';
import { trustedOrigin } from '../origin.ts';

/** Uploaded books for verification can be large PDFs, but must leave room to read them in a 128 MB isolate. */
const MAX_VERIFY_BYTES = 64 * 1024 * 1024;
const admin = requireScope('admin');
const uploadedFile = z
  .custom<Blob>((value) => value instanceof Blob, 'send the file in a multipart field named "file"')
  .openapi({ type: 'string', format: 'binary' });
const uploadForm = z.object({ file: uploadedFile });
const security = [{ bearer: [] }];
const adminProblems = (more: Record<number, string> = {}) =>
  problems({ 401: 'Missing, unknown or revoked token', 403: 'The token lacks the admin scope', ...more });

const EntitlementSchema = z
  .object({ id: z.string(), revokedAt: z.string().nullable(), revokeReason: z.string().nullable() })
  .openapi('Entitlement');
const OrderSchema = z
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

const orderView = (o: OrderWithEntitlement) => ({
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

/** Publisher tools: verify a leaked file, grant complimentary copies, revoke, list orders. */
export function commerceAdminRoutes() {
  const app = commerceRouter<EditorEnv>();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/verify',
      tags: ['commerce'],
      summary: 'Find the order a stamped EPUB or PDF was sold with (admin)',
      description: 'Upload the file as multipart `file`, or as the raw request body.',
      security,
      middleware: [admin, bodyLimit({ maxSize: MAX_VERIFY_BYTES, onError: () => problemResponse(problem(413, 'The file is larger than 64 MB.')) })],
      request: {
        body: {
          required: false,
          content: {
            'multipart/form-data': { schema: uploadForm },
            ...Object.fromEntries(MEDIA_TYPES.map((type) => [type, { schema: z.string().openapi({ format: 'binary' }) }])),
            'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) },
          },
        },
      },
      responses: {
        200: jsonContent(
          z.object({ format: z.enum(FORMATS), orderId: z.string(), markMatches: z.boolean(), order: OrderSchema }).openapi('Verification'),
          'The order the file was stamped for',
        ),
        ...adminProblems({ 400: 'No file in the form', 404: 'No licence in the file, or it names an unknown order', 413: 'File too large', 415: 'Unsupported media type', 422: 'Empty, or not a readable EPUB or PDF' }),
      },
    }),
    async (c) => {
      const isForm = (c.req.header('content-type') ?? '').startsWith('multipart/form-data');
      const bytes = isForm ? new Uint8Array(await uploadForm.parse(c.req.valid('form')).file.arrayBuffer()) : new Uint8Array(await c.req.arrayBuffer());
      // The file itself is the bad input here: it arrived whole but is empty or cannot be read as a book (422, not 400).
      if (bytes.length === 0) throw new BinderyError('unreadable-file', 'the upload is empty: send the EPUB or PDF', { field: 'file' });
      const stamp = await readStamp(bytes).catch((err: unknown) => {
        throw err instanceof BinderyError && err.code === 'invalid-input' ? new BinderyError('unreadable-file', err.message, err.where, { cause: err }) : err;
      });
      if (!stamp) throw new BinderyError('not-found', 'no Bindery licence found in this file (not stamped, or the metadata was stripped: read the visible licence line)');
      const order = await new OrderRepository(c.env.DB).forStamp(stamp.orderId);
      if (!order) throw new BinderyError('not-found', `the file names order "${stamp.orderId}", which does not exist here`);
      return c.json({ format: stamp.format, orderId: order.id, markMatches: order.licenceMark === stamp.mark, order: orderView(order) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/grants',
      tags: ['commerce'],
      summary: 'Give a complimentary copy of a published book (admin)',
      security,
      middleware: [admin],
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
