import { createRoute, z } from '@hono/zod-openapi';
import { LibraryTokens } from '../../commerce/library-tokens.ts';
import { libraryItems, queueLibraryMail } from '../../commerce/library.ts';
import { mailSender, Outbox } from '../../commerce/mail.ts';
import { OrderRepository } from '../../commerce/orders.ts';
import type { AppEnv } from '../app.ts';
import { commerceRouter, config, emailSchema, jsonContent, originOf, problems, wantsJson } from './common.ts';
import { LibraryPage } from './pages.tsx';

const LibrarySchema = z
  .object({
    email: z.string(),
    items: z.array(
      z.object({
        slug: z.string(),
        title: z.string(),
        downloads: z.array(z.object({ format: z.enum(['epub', 'pdf']), url: z.url() })),
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
      summary: "A reader's library: every book they own, current edition, signed download links",
      request: { params: z.object({ token: z.string().min(1).max(200) }) },
      responses: {
        200: { description: 'The library (HTML, or JSON with Accept: application/json)', content: { 'application/json': { schema: LibrarySchema }, 'text/html': { schema: z.string() } } },
        ...problems({ 403: 'Forged, malformed or revoked link' }),
      },
    }),
    async (c) => {
      const settings = config(c.env);
      const { email } = await new LibraryTokens(c.env.DB, settings.SIGNING_KEY).resolve(c.req.valid('param').token);
      const items = await libraryItems(c.env.DB, settings, email, originOf(c.req.url));
      c.header('cache-control', 'private, no-store');
      c.header('referrer-policy', 'no-referrer');
      if (wantsJson(c.req.header('accept'))) {
        const view = items.map(({ slug, title, downloads }) => ({ slug, title, downloads: downloads.map(({ format, url }) => ({ format, url })) }));
        return c.json({ email, items: view }, 200);
      }
      return c.html(<LibraryPage email={email} items={items} origin={originOf(c.req.url)} />, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/library/resend',
      tags: ['commerce'],
      summary: 'Mail a fresh library link to an address that owns books',
      description: 'Always 202, whether or not the address has bought anything, so the endpoint cannot be used to find buyers.',
      request: { body: { required: true, content: { 'application/json': { schema: z.object({ email: emailSchema }).openapi('ResendRequest') } } } },
      responses: { 202: jsonContent(z.object({ accepted: z.literal(true) }), 'Accepted'), ...problems({ 400: 'Not an email address' }) },
    }),
    async (c) => {
      const { email } = c.req.valid('json');
      const settings = config(c.env);
      const origin = originOf(c.req.url);
      // Looked up after answering, so the response time does not tell buyers from strangers either.
      const resend = async () => {
        if ((await new OrderRepository(c.env.DB).activeForEmail(email)).length === 0) return;
        const { mailId } = await queueLibraryMail(c.env.DB, settings, email, origin, 'resend');
        await new Outbox(c.env.DB).deliver(mailSender(settings), { id: mailId });
      };
      c.executionCtx.waitUntil(resend().catch((err) => console.error('library resend failed', err)));
      return c.json({ accepted: true as const }, 202);
    },
  );

  return app;
}
