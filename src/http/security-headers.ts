import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app.ts';
import { originOf } from './origin.ts';

/**
 * Server-rendered HTML (storefront, checkout result, library): no script at
 * all (the pages have none; JSON-LD is data and is not run), inline style,
 * images from this origin or the configured public one, forms only to this
 * origin and Stripe Checkout (the buy form's 303 leads there). Never framed,
 * and no referrer, since library and checkout URLs carry tokens. Set after
 * the handler, so error pages get them too.
 *
 * @example app.use('/library/*', pageHeaders)
 */
export const pageHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  // Covers are linked through the public origin, which is 'self' unless the store answers on another host too.
  const images = `'self' data: ${originOf(c)}`;
  c.header(
    'Content-Security-Policy',
    `default-src 'none'; img-src ${images}; style-src 'self' 'unsafe-inline'; form-action 'self' ${checkoutOrigin(c.env?.STRIPE_API_BASE)}; base-uri 'none'; frame-ancestors 'none'`,
  );
  c.header('X-Frame-Options', 'DENY');
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'no-referrer');
};

/**
 * Files users supplied or built (covers, samples), served from the store's
 * origin: an SVG opened on its own must not run script or load anything, and
 * no file may be sniffed into HTML. Inline style stays for SVG drawings.
 */
export const storedFileHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
  c.header('X-Content-Type-Options', 'nosniff');
};

/** Stripe serves Checkout from its own host, not the API's; a stand-in API (tests, local dev) serves it itself. */
function checkoutOrigin(apiBase: string | undefined): string {
  const api = originOrNull(apiBase);
  return !api || api === 'https://api.stripe.com' ? 'https://checkout.stripe.com' : api;
}

function originOrNull(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
