import { nowIso } from '../catalog/clock.ts';
import { base64url, fromBase64url, hmacSha256, timingSafeEqual } from '../crypto.ts';
import { normaliseEmail } from '../email.ts';
import { BinderyError } from '../errors.ts';

/** How long a library link works after it was last opened or sent. */
export const LIBRARY_LINK_LIFETIME_MS = 90 * 24 * 60 * 60 * 1000;

const expiryFrom = (now: number) => new Date(now + LIBRARY_LINK_LIFETIME_MS).toISOString();

/**
 * Library magic links: `<id>.<HMAC(id)>`. The signature stops guessing
 * without a database hit; the row (email, expiry, revoked_at) makes links
 * expire and revocable. Opening a link renews it; asking for a new one
 * revokes every older link of the address, so a leaked old link dies.
 * Only the id is stored, and the token is derived from it, so the same link
 * can be mailed again without keeping the secret part.
 */
export class LibraryTokens {
  constructor(
    private readonly db: D1Database,
    private readonly signingKey: string,
  ) {}

  /** A new link for `email`; every older link of the address stops working. */
  async issue(email: string): Promise<string> {
    const id = base64url(crypto.getRandomValues(new Uint8Array(16)));
    const address = normaliseEmail(email);
    const now = Date.now();
    await this.db.batch([
      this.db
        .prepare('UPDATE library_tokens SET revoked_at = ? WHERE email = ? AND revoked_at IS NULL')
        .bind(new Date(now).toISOString(), address),
      this.db
        .prepare('INSERT INTO library_tokens (id, email, created_at, expires_at) VALUES (?, ?, ?, ?)')
        .bind(id, address, new Date(now).toISOString(), expiryFrom(now)),
    ]);
    return this.token(id);
  }

  /** The newest live link for `email`, or a new one. */
  async current(email: string): Promise<string> {
    const row = await this.db
      .prepare('SELECT id FROM library_tokens WHERE email = ? AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at DESC LIMIT 1')
      .bind(normaliseEmail(email), nowIso())
      .first<{ id: string }>();
    return row ? this.token(row.id) : this.issue(email);
  }

  /**
   * The email a link belongs to; opening it renews its expiry.
   * @throws BinderyError('forbidden') for forged, malformed, expired or revoked links.
   */
  async resolve(token: string): Promise<{ id: string; email: string }> {
    const [id, signature, extra] = token.split('.');
    const given = signature ? fromBase64url(signature) : null;
    if (!id || !given || extra !== undefined || !timingSafeEqual(given, await this.signature(id))) {
      throw new BinderyError('forbidden', 'this library link is not valid');
    }
    const now = Date.now();
    const row = await this.db
      .prepare('UPDATE library_tokens SET expires_at = ? WHERE id = ? AND revoked_at IS NULL AND expires_at > ? RETURNING email')
      .bind(expiryFrom(now), id, new Date(now).toISOString())
      .first<{ email: string }>();
    if (!row) throw new BinderyError('forbidden', 'this library link has expired or was replaced by a newer one; ask for a fresh one at /library');
    return { id, email: row.email };
  }

  private async token(id: string): Promise<string> {
    return `${id}.${base64url(await this.signature(id))}`;
  }

  private signature(id: string): Promise<Uint8Array> {
    return hmacSha256(this.signingKey, `library:${id}`);
  }
}
