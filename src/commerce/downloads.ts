import type { BuildFile } from '../catalog/builds.ts';
import { nowIso } from '../catalog/clock.ts';
import { editionFile, EditionRepository, type Edition } from '../catalog/editions.ts';
import { BinderyError } from '../errors.ts';
import { FORMAT_REGISTRY, type Format } from '../formats/registry.ts';
import type { CommerceConfig } from './config.ts';
import { hmacSha256, sha256Hex, toHex } from '../crypto.ts';
import { DownloadLinks, type DownloadClaims } from './download-links.ts';
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

/** How long one download (a client's requests for one copy, ranges and resumes included) stays open. */
export const DOWNLOAD_WINDOW_MS = 60 * 60 * 1000;

export const stampedKey = (orderId: string, buildId: string, slug: string, format: Format) =>
  `orders/${orderId}/${buildId}/${slug}.${FORMAT_REGISTRY[format].extension}`;

/**
 * Gated downloads: a link is checked (signature, expiry), then the order
 * behind it (entitlement not revoked, same book, an edition of that book),
 * then the download limit. The file served is the buyer's stamped copy,
 * made on first download and kept.
 */
export class Downloads {
  private readonly orders: OrderRepository;
  private readonly editions: EditionRepository;

  constructor(
    private readonly db: D1Database,
    private readonly bucket: R2Bucket,
    private readonly config: CommerceConfig,
  ) {
    this.orders = new OrderRepository(db);
    this.editions = new EditionRepository(db);
  }

  /** @throws BinderyError('forbidden') with the reason a buyer can act on. */
  async authorize(token: string): Promise<DownloadTarget> {
    const claims = await new DownloadLinks(this.config.SIGNING_KEY).verify(token);
    const order = await this.orders.get(claims.orderId);
    if (!order) throw new BinderyError('forbidden', 'this download link is no longer valid; open your library for a fresh one');
    if (order.entitlement.revokedAt) {
      throw new BinderyError('forbidden', `this purchase is no longer valid (${order.entitlement.revokeReason ?? 'revoked'}); downloads are closed`);
    }
    if (order.bookSlug !== claims.slug) throw new BinderyError('forbidden', 'this download link is for a book the order did not buy');
    const edition = await this.editions.publishedBuild(claims.slug, claims.buildId);
    if (!edition) throw new BinderyError('forbidden', 'this download link names an edition that was never published for this book');
    const file = editionFile(edition, claims.format, false);
    if (!file) throw new BinderyError('not-found', `this edition has no ${FORMAT_REGISTRY[claims.format].label} file`);
    return { claims, order, edition, file };
  }

  /**
   * Admits one request for the copy, in one D1 statement so that parallel
   * requests cannot overshoot the limit. A download is a window: the first
   * request from a client (any range, or the whole file) opens one and counts
   * against DOWNLOAD_LIMIT; later requests from that client within the window
   * (resumes, parallel ranges) ride on it. Once the limit is used, every
   * request that would open a window is refused, whatever its range.
   * A probe (HEAD) is checked the same way but never opens a window.
   *
   * @throws BinderyError('forbidden') once the limit is reached.
   */
  async admit(target: DownloadTarget, clientIp: string, kind: 'download' | 'probe', now = Date.now()): Promise<{ counted: boolean }> {
    const ipHash = toHex(await hmacSha256(this.config.SIGNING_KEY, `ip:${clientIp}`)).slice(0, 32);
    const copy = [target.order.id, target.edition.buildId, target.claims.format, ipHash, new Date(now).toISOString()];
    const openWindow = 'SELECT 1 FROM downloads WHERE order_id = ?1 AND build_id = ?2 AND format = ?3 AND ip_hash = ?4 AND window_ends > ?5';
    const underLimit = '(SELECT COUNT(*) FROM downloads WHERE order_id = ?1 AND build_id = ?2 AND format = ?3) < ?6';
    if (kind === 'download') {
      const opened = await this.db
        .prepare(
          `INSERT INTO downloads (order_id, build_id, format, ip_hash, downloaded_at, window_ends)
           SELECT ?1, ?2, ?3, ?4, ?5, ?7 WHERE NOT EXISTS (${openWindow}) AND ${underLimit}`,
        )
        .bind(...copy, this.config.DOWNLOAD_LIMIT, new Date(now + DOWNLOAD_WINDOW_MS).toISOString())
        .run();
      if (opened.meta.changes > 0) return { counted: true };
    }
    const admitted = await this.db
      .prepare(`SELECT EXISTS (${openWindow}) OR ${underLimit} AS ok`)
      .bind(...copy, this.config.DOWNLOAD_LIMIT)
      .first<{ ok: number }>();
    // For a download, only an open window gets here: with room under the limit the insert would have opened one.
    if (admitted?.ok) return { counted: false };
    const limit = this.config.DOWNLOAD_LIMIT;
    throw new BinderyError(
      'forbidden',
      `download limit reached: this ${FORMAT_REGISTRY[target.claims.format].label} has been downloaded ${limit} times (limit ${limit} per format and edition); contact the publisher if you need more`,
    );
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
    const format = FORMAT_REGISTRY[claims.format];
    const stamped = await (await format.stamper()).stamp(bytes, licence);
    const copy: StampedCopy = {
      r2Key: stampedKey(order.id, edition.buildId, edition.slug, claims.format),
      size: stamped.byteLength,
      sha256: await sha256Hex(stamped),
    };
    await this.bucket.put(copy.r2Key, stamped, {
      httpMetadata: { contentType: format.mediaType },
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
