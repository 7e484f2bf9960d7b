import { createRoute, z } from '@hono/zod-openapi';
import { LibraryTokens, type LibraryAccess } from '../../commerce/library-tokens.ts';
import { libraryItems, queueLibraryMail } from '../../commerce/library.ts';
import { mailSender, Outbox } from '../../commerce/mail.ts';
import { OrderRepository } from '../../commerce/orders.ts';
import { normaliseEmail } from '../../email.ts';
import { RateLimits } from '../../commerce/rate-limits.ts';
import { BinderyError } from '../../errors.ts';
import { FORMATS } from '../../formats/registry.ts';
import type { AppEnv } from '../app.ts';
import { commerceRouter, config, emailSchema, jsonContent, limitFormBody, privatePage, problems, wantsJson } from './common.ts';
import { trustedOrigin } from '../origin.ts';
import { LibraryPage, ResendPage } from './pages.tsx';

/** Resends per hour: enough for a reader whose mail is slow, too few to flood an inbox or probe for buyers. */
const RESENDS_PER_ADDRESS = 3;
const RESENDS_PER_IP = 10;
const RESEND_WINDOW_SECONDS = 3600;

const resendSchema = z.object({ email: emailSchema }).openapi('ResendRequest');

const LibrarySchema = z
  .object({
    email: z.string(),
    items: z.array(
      z.object({
        slug: z.string(),
        title: z.string(),
        purchaseId: z.string().openapi({ description: 'The purchase that owns the book (`pur_…`), as printed in the stamped copies' }),
        downloads: z.array(z.object({ format: z.enum(FORMATS), url: z.url() })),
      }),
    ),
  })
  .openapi('Library');

/** The reader's library: a magic link listing what they own, and resending that link. */
export function libraryRoutes() {
  const app = commerceRouter<AppEnv>();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/library/{token}',
      tags: ['commerce'],
      summary: "A reader's library: every book the address owns (or the one purchase a link from the checkout opens), current edition, signed download links",
      request: { params: z.object({ token: z.string().min(1).max(200) }) },
      responses: {
        200: { description: 'The library (HTML, or JSON with Accept: application/json)', content: { 'application/json': { schema: LibrarySchema }, 'text/html': { schema: z.string() } } },
        ...problems({ 403: 'Forged, malformed or revoked link' }),
      },
    }),
    async (c) => {
      privatePage(c);
      const settings = config(c.env);
      const json = wantsJson(c.req.header('accept'));
      let access: LibraryAccess;
      try {
        access = await new LibraryTokens(c.env.DB, settings.SIGNING_KEY).resolve(c.req.valid('param').token);
      } catch (err) {
        // A reader with an old link gets a way to a new one, not a bare error.
        if (json || !(err instanceof BinderyError)) throw err;
        return c.html(<ResendPage notice={err.message} />, 403);
      }
      const origin = trustedOrigin(c);
      const items = await libraryItems(c.env.DB, settings, access, origin);
      const { email } = access;
      if (json) {
        const view = items.map(({ slug, title, orderId, downloads }) => ({
          slug,
          title,
          purchaseId: orderId,
          downloads: downloads.map(({ format, url }) => ({ format, url })),
        }));
        return c.json({ email, items: view }, 200);
      }
      return c.html(<LibraryPage email={email} items={items} origin={origin} onePurchase={access.orderId !== null} />, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/library',
      tags: ['commerce'],
      summary: 'The page where a reader asks for a fresh library link by e-mail',
      request: { query: z.object({ sent: z.literal('1').optional() }) },
      responses: { 200: { description: 'The form (and, after a request, the note that a link is on its way)', content: { 'text/html': { schema: z.string() } } } },
    }),
    (c) => {
      privatePage(c);
      return c.html(<ResendPage sent={c.req.valid('query').sent === '1'} />, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/library/resend',
      tags: ['commerce'],
      summary: 'Mail a fresh library link to an address that owns books',
      description: 'Always 202, whether or not the address has bought anything, so the endpoint cannot be used to find buyers.',
      middleware: [limitFormBody],
      request: {
        // Validated in the handler: with two media types, a required body would make each validator demand its own.
        body: { required: false, content: { 'application/json': { schema: resendSchema }, 'application/x-www-form-urlencoded': { schema: resendSchema } } },
      },
      responses: {
        202: jsonContent(z.object({ accepted: z.literal(true) }), 'Accepted'),
        303: { description: 'Form posts (the /library page) are sent back to it' },
        ...problems({ 400: 'Not an email address', 413: 'The body is over 16 KB' }),
      },
    }),
    async (c) => {
      const isForm = /^application\/x-www-form-urlencoded/i.test(c.req.header('content-type') ?? '');
      const parsed = resendSchema.safeParse(isForm ? c.req.valid('form') : c.req.valid('json'));
      if (!parsed.success) throw new BinderyError('invalid-input', `email: ${parsed.error.issues[0].message}`, { field: 'email' });
      const { email } = parsed.data;
      const settings = config(c.env);
      const origin = trustedOrigin(c);
      const clientIp = c.req.header('cf-connecting-ip') ?? 'unknown';
      // Looked up and counted after answering, so neither the answer nor its timing tells buyers from strangers
      // or limited senders from others.
      const resend = async () => {
        const limits = new RateLimits(c.env.DB, settings.SIGNING_KEY);
        const allowed =
          (await limits.allow('resend-ip', clientIp, RESENDS_PER_IP, RESEND_WINDOW_SECONDS)) &&
          (await limits.allow('resend-email', normaliseEmail(email), RESENDS_PER_ADDRESS, RESEND_WINDOW_SECONDS));
        if (!allowed) return;
        if ((await new OrderRepository(c.env.DB).activeForEmail(email)).length === 0) return;
        const { mailId } = await queueLibraryMail(c.env.DB, settings, email, origin, 'resend');
        await new Outbox(c.env.DB).deliver(mailSender(settings), { id: mailId });
      };
      c.executionCtx.waitUntil(resend().catch((err) => console.error('library resend failed', err)));
      if (isForm) return c.redirect('/library?sent=1', 303);
      return c.json({ accepted: true as const }, 202);
    },
  );

  return app;
}
