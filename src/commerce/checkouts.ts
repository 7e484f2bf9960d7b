import { nowIso } from '../catalog/clock.ts';
import { base64url, fromBase64url, hmacSha256, sha256Hex, timingSafeEqual, utf8 } from '../crypto.ts';

/** The HttpOnly cookie that ties a checkout's return page to the browser that started it. */
export const CHECKOUT_COOKIE = 'bindery_checkout';
/** As long as a Stripe Checkout Session stays open. */
export const CHECKOUT_COOKIE_MAX_AGE = 24 * 60 * 60;
/** How long after the payment is confirmed the buying browser is shown its library link; after that, the mail carries it. */
export const LIBRARY_LINK_WINDOW_MS = 30 * 60 * 1000;

/** What a checkout asked Stripe to charge, to compare with what Stripe reports paid. */
export interface StartedCheckout {
  id: string;
  bookSlug: string;
  /** Minor units. */
  amount: number;
  /** Upper-case ISO 4217. */
  currency: string;
}

/**
 * Checkouts started from this store (`checkout_sessions`): the price asked
 * and the browser that asked. The browser holds a random nonce, signed, in
 * an HttpOnly cookie; each checkout stores only its hash. A browser keeps its
 * nonce across checkouts, so two tabs buying two books both find their link.
 */
export class CheckoutSessions {
  constructor(
    private readonly db: D1Database,
    private readonly signingKey: string,
  ) {}

  /** The nonce a browser's cookie carries when genuine, else a new one; and the cookie value holding it. */
  async browserNonce(cookie: string | undefined): Promise<{ nonce: string; cookie: string }> {
    const nonce = (cookie && (await this.verifiedNonce(cookie))) || base64url(crypto.getRandomValues(new Uint8Array(16)));
    return { nonce, cookie: `${nonce}.${base64url(await this.signature(nonce))}` };
  }

  /** Remembers a checkout (once: a retried creation that Stripe answered with the same session changes nothing). */
  async record(checkout: StartedCheckout, nonce: string): Promise<void> {
    await this.db
      .prepare(
        `INSERT INTO checkout_sessions (id, book_slug, amount, currency, browser_nonce_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO NOTHING`,
      )
      .bind(checkout.id, checkout.bookSlug, checkout.amount, checkout.currency.toUpperCase(), await sha256Hex(nonce), nowIso())
      .run();
  }

  async get(sessionId: string): Promise<StartedCheckout | null> {
    return this.db
      .prepare('SELECT id, book_slug AS bookSlug, amount, currency FROM checkout_sessions WHERE id = ?')
      .bind(sessionId)
      .first<StartedCheckout>();
  }

  /** Forgets checkouts started before `before` (the daily job): a late async payment arrives within days, not months. */
  async prune(before: string): Promise<void> {
    await this.db.prepare('DELETE FROM checkout_sessions WHERE created_at < ?').bind(before).run();
  }

  /** Whether the browser presenting `cookie` started the checkout `sessionId`. */
  async startedBy(sessionId: string, cookie: string | undefined): Promise<boolean> {
    const nonce = cookie && (await this.verifiedNonce(cookie));
    if (!nonce) return false;
    const row = await this.db.prepare('SELECT browser_nonce_hash AS hash FROM checkout_sessions WHERE id = ?').bind(sessionId).first<{ hash: string }>();
    return row !== null && timingSafeEqual(utf8(row.hash), utf8(await sha256Hex(nonce)));
  }

  private async verifiedNonce(cookie: string): Promise<string | null> {
    const [nonce, signature, extra] = cookie.split('.');
    const given = signature ? fromBase64url(signature) : null;
    if (!nonce || !given || extra !== undefined || !fromBase64url(nonce)) return null;
    return timingSafeEqual(given, await this.signature(nonce)) ? nonce : null;
  }

  private signature(nonce: string): Promise<Uint8Array> {
    return hmacSha256(this.signingKey, `checkout-browser:${nonce}`);
  }
}
