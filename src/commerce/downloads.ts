import type { BuildFile } from '../catalog/builds.ts';
import { nowIso } from '../catalog/clock.ts';
import { BinderyError } from '../errors.ts';
import { stampEpub } from '../stamp/epub.ts';
import { stampPdf } from '../stamp/pdf.ts';
import type { CommerceConfig } from './config.ts';
import { hmacSha256, sha256Hex, toHex } from '../crypto.ts';
import { DownloadLinks, type DownloadClaims } from './download-links.ts';
import { EditionReader, type Edition } from './editions.ts';
import { OrderRepository, type OrderWithEntitlement } from './orders.ts';

/** A download a link is entitled to. */
export interface DownloadTarget {
  claims: DownloadClaims;
  order: OrderWithEntitlement;
  edition: Edition;
  file: BuildFile;
}

/** The buyer's own copy in R2. */
export interface StampedCopy {
  r2Key: string;
  size: number;
  sha256: string;
}

export const stampedKey = (orderId: string, buildId: string, slug: string, format: string) => `orders/${orderId}/${buildId}/${slug}.${format}`;

/**
 * Gated downloads: a link is checked (signature, expiry), then the order
 * behind it (entitlement not revoked, same book, an edition of that book),
 * then the download limit. The file served is the buyer's stamped copy,
 * made on first download and kept.
 */
export class Downloads {
  private readonly orders: OrderRepository;
  private readonly editions: EditionReader;

  constructor(
    private readonly db: D1Database,
    private readonly bucket: R2Bucket,
    private readonly config: CommerceConfig,
  ) {
    this.orders = new OrderRepository(db);
    this.editions = new EditionReader(db);
  }

  /** @throws BinderyError('forbidden') with the reason a buyer can act on. */
  async authorize(token: string): Promise<DownloadTarget> {
    const claims = await new DownloadLinks(this.config.SIGNING_KEY).verify(token);
    const order = await this.orders.get(claims.orderId);
    if (!order) throw new BinderyError('forbidden', 'this download link names no order');
    if (order.entitlement.revokedAt) {
      throw new BinderyError('forbidden', `this purchase is no longer valid (${order.entitlement.revokeReason ?? 'revoked'}); downloads are closed`);
    }
    if (order.bookSlug !== claims.slug) throw new BinderyError('forbidden', 'this download link is for a book the order did not buy');
    const edition = await this.editions.publishedBuild(claims.slug, claims.buildId);
    if (!edition) throw new BinderyError('forbidden', 'this download link names an edition that was never published for this book');
    const file = edition.files.get(claims.format);
    if (!file) throw new BinderyError('not-found', `this edition has no ${claims.format.toUpperCase()} file`);
    return { claims, order, edition, file };
  }

  /**
   * Admits one request. A request from byte 0 starts a download: it counts
   * and is refused once DOWNLOAD_LIMIT are used. A later range resumes a
   * started download and does not count.
   */
  async admit(target: DownloadTarget, startsDownload: boolean): Promise<{ counts: boolean }> {
    const used = await this.used(target);
    const limit = this.config.DOWNLOAD_LIMIT;
    if (startsDownload || used === 0) {
      if (used >= limit) {
        throw new BinderyError(
          'forbidden',
          `download limit reached: this ${target.claims.format.toUpperCase()} has been downloaded ${used} times (limit ${limit} per format and edition); contact the publisher if you need more`,
        );
      }
      return { counts: true };
    }
    return { counts: false };
  }

  async used(target: DownloadTarget): Promise<number> {
    const row = await this.db
      .prepare('SELECT COUNT(*) AS n FROM downloads WHERE order_id = ? AND build_id = ? AND format = ?')
      .bind(target.order.id, target.edition.buildId, target.claims.format)
      .first<{ n: number }>();
    return row?.n ?? 0;
  }

  async log(target: DownloadTarget, clientIp: string): Promise<void> {
    const ipHash = toHex(await hmacSha256(this.config.SIGNING_KEY, `ip:${clientIp}`)).slice(0, 32);
    await this.db
      .prepare('INSERT INTO downloads (order_id, build_id, format, ip_hash, downloaded_at) VALUES (?, ?, ?, ?, ?)')
      .bind(target.order.id, target.edition.buildId, target.claims.format, ipHash, nowIso())
      .run();
  }

  /** The buyer's stamped copy: made and stored on first download, reused after. */
  async stampedCopy(target: DownloadTarget): Promise<StampedCopy> {
    const { order, edition, claims } = target;
    const existing = await this.db
      .prepare('SELECT r2_key AS r2Key, size, sha256 FROM stamped_files WHERE order_id = ? AND build_id = ? AND format = ?')
      .bind(order.id, edition.buildId, claims.format)
      .first<StampedCopy>();
    if (existing) return existing;

    const original = await this.bucket.get(target.file.r2Key);
    if (!original) throw new BinderyError('internal', `edition file ${target.file.r2Key} is missing from storage`);
    const bytes = new Uint8Array(await original.arrayBuffer());
    const licence = { email: order.email, orderId: order.id, mark: order.licenceMark };
    const stamped = claims.format === 'pdf' ? await stampPdf(bytes, licence) : stampEpub(bytes, licence);
    const copy: StampedCopy = {
      r2Key: stampedKey(order.id, edition.buildId, edition.slug, claims.format),
      size: stamped.byteLength,
      sha256: await sha256Hex(stamped),
    };
    await this.bucket.put(copy.r2Key, stamped, {
      httpMetadata: { contentType: claims.format === 'pdf' ? 'application/pdf' : 'application/epub+zip' },
      sha256: copy.sha256,
    });
    await this.db
      .prepare(
        `INSERT INTO stamped_files (order_id, build_id, format, r2_key, size, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (order_id, build_id, format) DO NOTHING`,
      )
      .bind(order.id, edition.buildId, claims.format, copy.r2Key, copy.size, copy.sha256, nowIso())
      .run();
    return copy;
  }
}
