import { nowIso } from '../catalog/clock.ts';
import { BinderyError } from '../errors.ts';
import { base64url, fromBase64url, hmacSha256, timingSafeEqual } from '../crypto.ts';
import { normaliseEmail } from './orders.ts';

/**
 * Library magic links: `<id>.<HMAC(id)>`. The signature stops guessing
 * without a database hit; the row (email, revoked_at) makes links revocable.
 * Only the id is stored, and the token is derived from it, so the same link
 * can be shown again without keeping the secret part.
 */
export class LibraryTokens {
  constructor(
    private readonly db: D1Database,
    private readonly signingKey: string,
  ) {}

  /** A new link for `email`. */
  async issue(email: string): Promise<string> {
    const id = base64url(crypto.getRandomValues(new Uint8Array(16)));
    await this.db.prepare('INSERT INTO library_tokens (id, email, created_at) VALUES (?, ?, ?)').bind(id, normaliseEmail(email), nowIso()).run();
    return this.token(id);
  }

  /** The newest live link for `email`, or a new one. */
  async current(email: string): Promise<string> {
    const row = await this.db
      .prepare('SELECT id FROM library_tokens WHERE email = ? AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1')
      .bind(normaliseEmail(email))
      .first<{ id: string }>();
    return row ? this.token(row.id) : this.issue(email);
  }

  /** The email a link belongs to. @throws BinderyError('forbidden') for forged, malformed or revoked links. */
  async resolve(token: string): Promise<{ id: string; email: string }> {
    const [id, signature, extra] = token.split('.');
    const given = signature ? fromBase64url(signature) : null;
    if (!id || !given || extra !== undefined || !timingSafeEqual(given, await this.signature(id))) {
      throw new BinderyError('forbidden', 'this library link is not valid');
    }
    const row = await this.db.prepare('SELECT email, revoked_at FROM library_tokens WHERE id = ?').bind(id).first<{ email: string; revoked_at: string | null }>();
    if (!row || row.revoked_at) throw new BinderyError('forbidden', 'this library link has been revoked; ask for a new one');
    return { id, email: row.email };
  }

  private async token(id: string): Promise<string> {
    return `${id}.${base64url(await this.signature(id))}`;
  }

  private signature(id: string): Promise<Uint8Array> {
    return hmacSha256(this.signingKey, `library:${id}`);
  }
}
