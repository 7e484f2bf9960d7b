import { BinderyError } from '../errors.ts';

/** What the origin helpers read of a Hono context: any router's context has them. */
type RequestContext = { env: Env | undefined; req: { url: string } };

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** PUBLIC_ORIGIN's origin; none when unset (or when the app runs without bindings, as in Node tests of its routes). */
function configuredOrigin(env: Env | undefined): string | null {
  const configured = env?.PUBLIC_ORIGIN;
  if (!configured) return null;
  try {
    return new URL(configured).origin;
  } catch {
    throw new BinderyError('internal', `PUBLIC_ORIGIN is not a URL: "${configured}"`);
  }
}

/**
 * The origin absolute links in API answers, feeds and pages point at:
 * PUBLIC_ORIGIN, so a client's Host header cannot put another domain into
 * answers that shared caches keep; without it, the request's own origin.
 */
export function originOf(c: RequestContext): string {
  return configuredOrigin(c.env) ?? new URL(c.req.url).origin;
}

/** The request's path and query at `originOf`: a page's own link (self, next, first) in an answer shared caches keep. */
export function requestUrl(c: RequestContext): URL {
  const url = new URL(c.req.url);
  return new URL(`${url.pathname}${url.search}`, originOf(c));
}

/**
 * The origin written into mails, library links and Stripe's return URLs,
 * which leave the request and must never follow its Host: PUBLIC_ORIGIN, or
 * the request's own origin only on a loopback address (`wrangler dev`).
 */
export function trustedOrigin(c: RequestContext): string {
  const configured = configuredOrigin(c.env);
  if (configured) return configured;
  const url = new URL(c.req.url);
  if (LOOPBACK.has(url.hostname)) return url.origin;
  throw new BinderyError('internal', 'the store is misconfigured: PUBLIC_ORIGIN must be set to its public address (e.g. https://books.example.com)');
}
