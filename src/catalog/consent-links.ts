import { base64url, fromBase64url, hmacSha256, timingSafeEqual } from '../crypto.ts';
import { BinderyError } from '../errors.ts';

/** How long a consent link works: long, because a contributor may change their mind years later; a new one can be issued at any time. */
export const CONSENT_LINK_LIFETIME_MS = 5 * 365 * 24 * 60 * 60 * 1000;

/**
 * Consent links: `<consent id>.<expiry, seconds base36>.<HMAC>`. The
 * contributor has no account: the signature is what proves the link was
 * issued by the publisher for this record, and it is checked in constant
 * time before anything is looked up. The expiry is signed with the id, so it
 * cannot be stretched.
 */
export class ConsentLinks {
  constructor(private readonly signingKey: string) {}

  async issue(consentId: string, now = Date.now()): Promise<string> {
    const expires = Math.floor((now + CONSENT_LINK_LIFETIME_MS) / 1000).toString(36);
    return `${consentId}.${expires}.${base64url(await this.signature(consentId, expires))}`;
  }

  /**
   * The consent id a link stands for.
   * @throws BinderyError('forbidden') for a forged, malformed or expired link.
   */
  async verify(token: string, now = Date.now()): Promise<string> {
    const [id, expires, signature, extra] = token.split('.');
    const given = signature ? fromBase64url(signature) : null;
    if (!id || !expires || !/^[0-9a-z]{1,12}$/.test(expires) || !given || extra !== undefined || !timingSafeEqual(given, await this.signature(id, expires))) {
      throw new BinderyError('forbidden', 'this consent link is not valid: it may have been copied incompletely');
    }
    if (parseInt(expires, 36) * 1000 <= now) throw new BinderyError('forbidden', 'this consent link has expired; ask the publisher for a new one');
    return id;
  }

  private signature(id: string, expires: string): Promise<Uint8Array> {
    return hmacSha256(this.signingKey, `consent:${id}:${expires}`);
  }
}
