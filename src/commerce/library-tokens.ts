import { nowIso } from '../catalog/clock.ts';
import { base64url, fromBase64url, hmacSha256, timingSafeEqual } from '../crypto.ts';
import { normaliseEmail } from '../email.ts';
import { BinderyError } from '../errors.ts';

/** How long a library link works after it was last opened or sent. */
export const LIBRARY_LINK_LIFETIME_MS = 90 * 24 * 60 * 60 * 1000;

const expiryFrom = (now: number) => new Date(now + LIBRARY_LINK_LIFETIME_MS).toISOString();

/** What a genuine, live library link opens. */
export interface LibraryAccess {
  id: string;
  email: string;
  /** Set for a link that opens one purchase only (the one shown to the browser that paid); null for the whole library. */
  orderId: string | null;
}

/**
 * Library magic links: `<id>.<HMAC(id)>`. The signature stops guessing
 * without a database hit; the row (email, expiry, revoked_at) makes links
 * expire and revocable. Opening a link renews it.
 *
 * Two kinds: a mailed link opens everything the address bought; the link
 * shown to the browser that paid opens that purchase only, because Stripe
 * does not check that a payer owns the address they typed.
 *
 * A new mailed link does not kill the old ones when it is sent (anyone may
 * ask for one to be sent), but when it is first opened, which proves the
 * mailbox: then every older mailed link of the address stops working.
 * Only the id is stored, and the token is derived from it, so the same link
 * can be mailed again without keeping the secret part.
 */
export class LibraryTokens {
  constructor(
    private readonly db: D1Database,
    private readonly signingKey: string,
  ) {}

  /** A new link to the whole library of `email`, for a mail. */
  async issue(email: string): Promise<string> {
    return this.insert(normaliseEmail(email), null);
  }

  /** The newest live whole-library link of `email`, or a new one. */
  async current(email: string): Promise<string> {
    const row = await this.db
      .prepare('SELECT id FROM library_tokens WHERE email = ? AND order_id IS NULL AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at DESC LIMIT 1')
      .bind(normaliseEmail(email), nowIso())
      .first<{ id: string }>();
    return row ? this.token(row.id) : this.issue(email);
  }

  /** A link that opens one purchase only: its live one, or a new one. */
  async forOrder(order: { id: string; email: string }): Promise<string> {
    const row = await this.db
      .prepare('SELECT id FROM library_tokens WHERE order_id = ? AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at DESC LIMIT 1')
      .bind(order.id, nowIso())
      .first<{ id: string }>();
    return row ? this.token(row.id) : this.insert(normaliseEmail(order.email), order.id);
  }

  /**
   * What a link opens; opening renews it, and opening a whole-library link
   * revokes the older ones of its address.
   * @throws BinderyError('forbidden') for forged, malformed, expired or revoked links.
   */
  async resolve(token: string): Promise<LibraryAccess> {
    const [id, signature, extra] = token.split('.');
    const given = signature ? fromBase64url(signature) : null;
    if (!id || !given || extra !== undefined || !timingSafeEqual(given, await this.signature(id))) {
      throw new BinderyError('forbidden', 'this library link is not valid');
    }
    const now = Date.now();
    const row = await this.db
      .prepare('UPDATE library_tokens SET expires_at = ? WHERE id = ? AND revoked_at IS NULL AND expires_at > ? RETURNING email, order_id, created_at')
      .bind(expiryFrom(now), id, new Date(now).toISOString())
      .first<{ email: string; order_id: string | null; created_at: string }>();
    if (!row) throw new BinderyError('forbidden', 'this library link has expired or was replaced by a newer one; ask for a fresh one at /library');
    if (row.order_id === null) {
      await this.db
        .prepare('UPDATE library_tokens SET revoked_at = ? WHERE email = ? AND order_id IS NULL AND revoked_at IS NULL AND created_at < ?')
        .bind(new Date(now).toISOString(), row.email, row.created_at)
        .run();
    }
    return { id, email: row.email, orderId: row.order_id };
  }

  private async insert(email: string, orderId: string | null): Promise<string> {
    const id = base64url(crypto.getRandomValues(new Uint8Array(16)));
    const now = Date.now();
    await this.db
      .prepare('INSERT INTO library_tokens (id, email, order_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
      .bind(id, email, orderId, new Date(now).toISOString(), expiryFrom(now))
      .run();
    return this.token(id);
  }

  private async token(id: string): Promise<string> {
    return `${id}.${base64url(await this.signature(id))}`;
  }

  private signature(id: string): Promise<Uint8Array> {
    return hmacSha256(this.signingKey, `library:${id}`);
  }
}
