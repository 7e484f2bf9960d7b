import { z } from 'zod';
import { FORMATS, type Format } from '../formats/registry.ts';
import { BinderyError } from '../errors.ts';
import { base64url, fromBase64url, hmacSha256, timingSafeEqual, utf8 } from '../crypto.ts';

const claimsSchema = z.strictObject({
  /** Order the download belongs to. */
  o: z.string().min(1),
  /** Book slug. */
  s: z.string().min(1),
  f: z.enum(FORMATS),
  /** Edition: the build id. */
  e: z.string().min(1),
  /** Expiry, Unix seconds. */
  x: z.number().int().positive(),
});

export interface DownloadClaims {
  orderId: string;
  slug: string;
  format: Format;
  buildId: string;
  expiresAt: number;
}

/**
 * Signed download links: `<base64url(claims)>.<base64url(HMAC)>`, bound to
 * order, book, format and edition, with an expiry. Nothing is stored; the
 * entitlement is checked again on every use, so a refund kills live links.
 */
export class DownloadLinks {
  constructor(private readonly signingKey: string) {}

  async sign(claims: DownloadClaims): Promise<string> {
    const body = base64url(utf8(JSON.stringify({ o: claims.orderId, s: claims.slug, f: claims.format, e: claims.buildId, x: claims.expiresAt })));
    return `${body}.${base64url(await this.mac(body))}`;
  }

  /** The claims of a genuine, unexpired link. @throws BinderyError('forbidden') saying why not. */
  async verify(token: string, nowSeconds = Math.floor(Date.now() / 1000)): Promise<DownloadClaims> {
    const [body, signature, extra] = token.split('.');
    const given = signature ? fromBase64url(signature) : null;
    if (!body || !given || extra !== undefined || !timingSafeEqual(given, await this.mac(body))) {
      throw new BinderyError('forbidden', 'this download link is not valid (its signature does not match)');
    }
    const decoded = fromBase64url(body);
    const claims = claimsSchema.safeParse(decoded ? safeJson(new TextDecoder().decode(decoded)) : null);
    if (!claims.success) throw new BinderyError('forbidden', 'this download link is not valid');
    if (claims.data.x <= nowSeconds) throw new BinderyError('forbidden', 'this download link has expired; open your library for a fresh one');
    return { orderId: claims.data.o, slug: claims.data.s, format: claims.data.f, buildId: claims.data.e, expiresAt: claims.data.x };
  }

  private mac(body: string): Promise<Uint8Array> {
    return hmacSha256(this.signingKey, `download:${body}`);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
