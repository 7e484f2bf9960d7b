import { createRoute, z } from '@hono/zod-openapi';
import { getCookie, setCookie } from 'hono/cookie';
import { EditionRepository } from '../../catalog/editions.ts';
import { bookSlugSchema } from '../../catalog/schemas.ts';
import { CHECKOUT_COOKIE, CHECKOUT_COOKIE_MAX_AGE, CheckoutSessions, LIBRARY_LINK_WINDOW_MS } from '../../commerce/checkouts.ts';
import { LibraryTokens } from '../../commerce/library-tokens.ts';
import { libraryUrl } from '../../commerce/library.ts';
import { toMinorUnits } from '../../commerce/money.ts';
import { isHeld, OrderRepository } from '../../commerce/orders.ts';
import { StripeClient } from '../../commerce/stripe-client.ts';
import { BinderyError } from '../../errors.ts';
import type { AppEnv } from '../app.ts';
import { commerceRouter, config, emailSchema, jsonContent, limitFormBody, privatePage, problems, wantsJson } from './common.ts';
import { trustedOrigin } from '../origin.ts';
import { MessagePage, PendingPage, SuccessPage } from './pages.tsx';

const checkoutSchema = z
  .object({
    slug: bookSlugSchema,
    email: z.union([emailSchema, z.literal('')]).optional().transform((e) => e || undefined),
  })
  .openapi('CheckoutRequest');

const CheckoutSessionSchema = z.object({ url: z.url(), sessionId: z.string() }).openapi('CheckoutSession');

const SuccessStateSchema = z
  .union([
    z.object({ status: z.literal('complete'), libraryUrl: z.url().optional(), message: z.string() }),
    z.object({ status: z.literal('held'), message: z.string() }),
    z.object({ status: z.literal('pending'), message: z.string() }),
    z.object({ status: z.literal('revoked'), message: z.string() }),
  ])
  .openapi('CheckoutState');

/** Buying: creating a Stripe Checkout Session, and the page Stripe sends the buyer back to. */
export function checkoutRoutes() {
  const app = commerceRouter<AppEnv>();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/checkout',
      tags: ['commerce'],
      summary: 'Start buying a book: creates a Stripe Checkout Session',
      description: 'JSON gets `{url, sessionId}`; a form post (the storefront\'s buy button) gets a 303 redirect to Stripe.',
      middleware: [limitFormBody],
      request: {
        body: {
          required: false,
          content: { 'application/json': { schema: checkoutSchema }, 'application/x-www-form-urlencoded': { schema: checkoutSchema } },
        },
      },
      responses: {
        200: jsonContent(CheckoutSessionSchema, 'The Stripe-hosted payment page'),
        303: { description: 'Redirect to the Stripe-hosted payment page (form posts)' },
        ...problems({ 400: 'Invalid input', 404: 'Unknown or unpublished book', 409: 'The book has no price', 413: 'The body is over 16 KB' }),
      },
    }),
    async (c) => {
      const isForm = /^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(c.req.header('content-type') ?? '');
      const parsed = checkoutSchema.safeParse(isForm ? c.req.valid('form') : c.req.valid('json'));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new BinderyError('invalid-input', `${issue.path.join('.')}: ${issue.message}`, { field: issue.path.join('.') });
      }
      const { slug, email } = parsed.data;
      const edition = await new EditionRepository(c.env.DB).published(slug);
      if (!edition) throw new BinderyError('not-found', `no published book "${slug}"`, { field: 'slug' });
      const price = edition.meta.price;
      if (!price) throw new BinderyError('conflict', `"${edition.meta.title}" has no price and cannot be sold`, { field: 'price' });
      const settings = config(c.env);
      const origin = trustedOrigin(c);
      const checkouts = new CheckoutSessions(c.env.DB, settings.SIGNING_KEY);
      const browser = await checkouts.browserNonce(getCookie(c, CHECKOUT_COOKIE));
      const unitAmount = toMinorUnits(price.amount, price.currency);
      const session = await new StripeClient(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE).createCheckoutSession({
        slug,
        title: edition.meta.title,
        email,
        unitAmount,
        currency: price.currency,
        successUrl: `${origin}/checkout/success?session_id={CHECKOUT_SESSION_ID}`,
        cancelUrl: `${origin}/books/${encodeURIComponent(slug)}`,
        // A double submit from one browser within a few minutes gets the same session, not a second charge page.
        idempotencyKey: `checkout:${browser.nonce}:${slug}:${email ?? ''}:${unitAmount}:${price.currency}:${Math.floor(Date.now() / 300_000)}`,
      });
      await checkouts.record({ id: session.id, bookSlug: slug, amount: unitAmount, currency: price.currency }, browser.nonce);
      setCookie(c, CHECKOUT_COOKIE, browser.cookie, {
        // The whole site: the checkout endpoint must get it back, so one browser keeps one nonce across checkouts.
        path: '/',
        httpOnly: true,
        sameSite: 'Lax',
        secure: new URL(origin).protocol === 'https:',
        maxAge: CHECKOUT_COOKIE_MAX_AGE,
      });
      if (isForm) return c.redirect(session.url, 303);
      return c.json({ url: session.url, sessionId: session.id }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/checkout/success',
      tags: ['commerce'],
      summary: 'Where Stripe returns the buyer: once the payment is confirmed, the browser that paid gets a link to this purchase',
      request: { query: z.object({ session_id: z.string().min(1).max(255) }) },
      responses: {
        200: { description: 'A link to this purchase (only for the browser that started the checkout, for 30 minutes), or the state of the payment', content: { 'application/json': { schema: SuccessStateSchema }, 'text/html': { schema: z.string() } } },
        202: jsonContent(SuccessStateSchema, 'Payment not confirmed yet (JSON)'),
        ...problems({ 400: 'Missing session_id' }),
      },
    }),
    async (c) => {
      privatePage(c);
      const sessionId = c.req.valid('query').session_id;
      const order = await new OrderRepository(c.env.DB).byCheckoutSession(sessionId);
      const json = wantsJson(c.req.header('accept'));
      if (!order) {
        const message = 'Payment is being confirmed; try again in a few seconds.';
        if (json) return c.json({ status: 'pending' as const, message }, 202);
        return c.html(<PendingPage />, 200);
      }
      if (isHeld(order)) {
        const message = 'Your payment arrived, but it differs from the price of the book, so the publisher is checking it. We will e-mail you.';
        return json ? c.json({ status: 'held' as const, message }, 200) : c.html(<MessagePage title="Payment under review" message={message} />, 200);
      }
      const settings = config(c.env);
      // Only the browser that started this checkout, and only for a while, is shown a link, and that link opens this
      // purchase only: anyone can type someone else's address into Stripe, so only the mailed link opens a whole library.
      const recent = Date.now() - Date.parse(order.createdAt) < LIBRARY_LINK_WINDOW_MS;
      const ownBrowser = await new CheckoutSessions(c.env.DB, settings.SIGNING_KEY).startedBy(sessionId, getCookie(c, CHECKOUT_COOKIE));
      if (order.entitlement.revokedAt) {
        const reason = ownBrowser && order.entitlement.revokeReason ? ` (${order.entitlement.revokeReason})` : '';
        const message = `This purchase is no longer valid${reason}.`;
        return json ? c.json({ status: 'revoked' as const, message }, 200) : c.html(<MessagePage title="Purchase not valid" message={message} />, 200);
      }
      const url = ownBrowser && recent ? libraryUrl(trustedOrigin(c), await new LibraryTokens(c.env.DB, settings.SIGNING_KEY).forOrder(order)) : undefined;
      const message = 'Thank you! We have e-mailed you the link to your library.';
      if (json) return c.json({ status: 'complete' as const, message, ...(url ? { libraryUrl: url } : {}) }, 200);
      const edition = await new EditionRepository(c.env.DB).published(order.bookSlug);
      return c.html(<SuccessPage libraryUrl={url} title={edition?.meta.title ?? order.bookSlug} />, 200);
    },
  );

  return app;
}
