import { nowIso } from '../catalog/clock.ts';
import { editionFile, EditionRepository, type Edition } from '../catalog/editions.ts';
import { BinderyError } from '../errors.ts';
import { FORMAT_REGISTRY, type Format } from '../formats/registry.ts';
import { FONT_FILES } from '../pdf/font-keys.ts';
import type { PlanStore } from '../licence.ts';
import type { CommerceConfig } from './config.ts';
import { hmacSha256, markKeyOf, sha256Hex, toHex } from '../crypto.ts';
import { DownloadLinks, type DownloadClaims } from './download-links.ts';
import { ORDER_WITH_ENTITLEMENT_COLUMNS, orderFromRow, ORDERS_WITH_ENTITLEMENTS, type OrderRow, type OrderWithEntitlement } from './orders.ts';

/** The buyer's own copy in R2. */
export interface StampedCopy {
  r2Key: string;
  size: number;
  sha256: string;
}

/** A request let through the gate: what it may be served. */
export interface AdmittedDownload {
  claims: DownloadClaims;
  edition: Edition;
  copy: StampedCopy;
}

/** The book's body font in R2, where PDF builds read it: the visible licence line is set in it. */
const BODY_FONT_KEY = FONT_FILES.find((font) => font.role === 'regular')!.r2Key;

/** How long one download (a client's requests for one copy, ranges and resumes included) stays open. */
export const DOWNLOAD_WINDOW_MS = 60 * 60 * 1000;

export const stampedKey = (orderId: string, buildId: string, slug: string, format: Format) =>
  `orders/${orderId}/${buildId}/${slug}.${FORMAT_REGISTRY[format].extension}`;

/** Where an edition file's stamp plan is kept: beside the file, made by its first buyer's stamp. */
export const stampPlanKey = (editionKey: string) => `${editionKey}.stamp-plan`;

/**
 * A bounded map kept for the life of an isolate, for facts that never change
 * once they exist. The least recently used entry goes first.
 */
class IsolateCache<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly capacity: number) {}

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}

// Only what cannot change is cached: a published edition (builds are content-addressed and a publish is never
// undone) and a stamped copy once it exists (kept at one R2 key per purchase, edition and format). The order and
// its entitlement are read on every request, so a refund or revocation closes a link at once.
const publishedEditions = new IsolateCache<Edition>(64);
const stampedCopies = new IsolateCache<StampedCopy>(2048);

const editionKey = (c: DownloadClaims) => `${c.slug}/${c.buildId}`;
const copyKey = (c: DownloadClaims) => `${c.orderId}/${c.buildId}/${c.format}`;

type OrderWithCopyRow = OrderRow & { s_r2Key: string | null; s_size: number | null; s_sha256: string | null };

/** The order, its entitlement and the stamped copy of the claimed file (if made, in the keyed mark code), in one statement: ?1 order, ?2 build, ?3 format. */
const READ_ORDER = `SELECT ${ORDER_WITH_ENTITLEMENT_COLUMNS}, s.r2_key AS s_r2Key, s.size AS s_size, s.sha256 AS s_sha256
  FROM ${ORDERS_WITH_ENTITLEMENTS} LEFT JOIN stamped_files s ON s.order_id = o.id AND s.build_id = ?2 AND s.format = ?3 AND s.mark_code = 'keyed'
  WHERE o.id = ?1`;

// Admission binds ?1 order, ?2 build, ?3 format, ?4 client hash, ?5 now, ?6 limit, ?7 window end, ?8 book.
const OPEN_WINDOW = 'SELECT 1 FROM downloads WHERE order_id = ?1 AND build_id = ?2 AND format = ?3 AND ip_hash = ?4 AND window_ends > ?5';
const UNDER_LIMIT = '(SELECT COUNT(*) FROM downloads WHERE order_id = ?1 AND build_id = ?2 AND format = ?3) < ?6';
/** The same rules `authorize` applies to the order, so a refused request never opens a window. */
const ENTITLED = `EXISTS (SELECT 1 FROM orders o JOIN entitlements e ON e.order_id = o.id
  WHERE o.id = ?1 AND o.book_slug = ?8 AND e.revoked_at IS NULL)`;
const OPEN_DOWNLOAD = `INSERT INTO downloads (order_id, build_id, format, ip_hash, downloaded_at, window_ends)
  SELECT ?1, ?2, ?3, ?4, ?5, ?7 WHERE NOT EXISTS (${OPEN_WINDOW}) AND ${UNDER_LIMIT} AND ${ENTITLED}`;
/** After OPEN_DOWNLOAD in the same batch: a window is open exactly when the download is admitted. */
const DOWNLOAD_ADMITTED = `SELECT EXISTS (${OPEN_WINDOW}) AS admitted`;
/** A probe (HEAD, a range outside the file) would be admitted, but opens nothing. */
const PROBE_ADMITTED = `SELECT EXISTS (${OPEN_WINDOW}) OR ${UNDER_LIMIT} AS admitted`;

/** One stamped copy made for a purchase: which edition and format, and when. */
export interface StampedCopyMade {
  buildId: string;
  format: Format;
  stampedAt: string;
}

/** The stamped copies made for a purchase, oldest first: the editions a leaked file can have come from. */
export async function stampedCopiesOf(db: D1Database, orderId: string): Promise<StampedCopyMade[]> {
  const rows = await db
    .prepare('SELECT build_id AS buildId, format, created_at AS stampedAt FROM stamped_files WHERE order_id = ? ORDER BY created_at, build_id, format')
    .bind(orderId)
    .all<StampedCopyMade>();
  return rows.results;
}

/** Purchases whose editions verify looks up at most (a collage names a few; a hostile file could name thousands). */
const MAX_NAMED_PURCHASES = 20;

/**
 * The R2 keys of the unstamped PDF editions a leaked PDF may be a copy of,
 * for reading its layout layer: those stamped for the purchases the other
 * layers named or, when none did (every other layer removed) or none of those
 * is an order here (a forged id), the `limit` editions most recently stamped
 * for anyone.
 */
export async function stampedPdfEditionKeys(db: D1Database, purchaseIds: string[], limit: number): Promise<string[]> {
  const named = purchaseIds.slice(0, MAX_NAMED_PURCHASES);
  const keys = await pdfEditionKeys(db, named, limit);
  return keys.length || !named.length ? keys : pdfEditionKeys(db, [], limit);
}

async function pdfEditionKeys(db: D1Database, named: string[], limit: number): Promise<string[]> {
  const rows = await db
    .prepare(
      `SELECT f.r2_key AS r2Key FROM stamped_files s JOIN build_files f ON f.build_id = s.build_id AND f.format = 'pdf'
       WHERE s.format = 'pdf' ${named.length ? `AND s.order_id IN (${named.map(() => '?').join(', ')})` : ''}
       GROUP BY f.r2_key ORDER BY MAX(s.created_at) DESC LIMIT ?`,
    )
    .bind(...named, limit)
    .all<{ r2Key: string }>();
  return rows.results.map((row) => row.r2Key);
}

/**
 * Gated downloads: a link is checked (signature, expiry), then the order
 * behind it (entitlement not revoked, same book, an edition of that book),
 * then the download limit. The file served is the buyer's stamped copy,
 * made on first download and kept.
 *
 * A request costs one D1 round trip (a batch: read the order, admit, log)
 * once this isolate knows the edition and the stamped copy; the first
 * request for a copy reads them, and stamps the copy if it was never made.
 */
export class Downloads {
  constructor(
    private readonly db: D1Database,
    private readonly bucket: R2Bucket,
    private readonly config: CommerceConfig,
  ) {}

  /**
   * Lets a request through the gate, or says why not. `counts(copy)` tells
   * whether serving the copy (its size and digest) would be a download: not for
   * HEAD, nor for a range outside the file. Those are probes, checked the
   * same way but never counted. The limit is checked before anything about
   * the file is told (its size, in a 416) or done (stamping it).
   *
   * A download is a window: the first request from a client (any range, or
   * the whole file) opens one and counts against DOWNLOAD_LIMIT; later
   * requests from that client within the window (resumes, parallel ranges)
   * ride on it. Once the limit is used, every request that would open a
   * window is refused, whatever its range. Admission is one batch (one
   * transaction), so parallel requests cannot overshoot the limit.
   *
   * @throws BinderyError('forbidden') with the reason a buyer can act on, or
   *   ('not-found') when the edition lacks the format.
   */
  async admit(token: string, clientIp: string, counts: (copy: StampedCopy) => boolean, now = Date.now()): Promise<AdmittedDownload> {
    const [claims, clientHash] = await Promise.all([
      new DownloadLinks(this.config.SIGNING_KEY).verify(token, Math.floor(now / 1000)),
      hmacSha256(this.config.SIGNING_KEY, `ip:${clientIp}`).then((mac) => toHex(mac).slice(0, 32)),
    ]);
    const gate = { claims, clientHash, now };
    let edition = publishedEditions.get(editionKey(claims));
    let copy = stampedCopies.get(copyKey(claims));
    if (!edition || !copy) ({ edition, copy } = await this.firstRequest(gate, edition));
    await this.admission(gate, counts(copy) ? 'download' : 'probe');
    return { claims, edition, copy };
  }

  /** Reads and checks what this isolate does not know yet: the edition, and the stamped copy (made here if need be). */
  private async firstRequest(gate: Gate, known: Edition | undefined): Promise<{ edition: Edition; copy: StampedCopy }> {
    const { claims } = gate;
    const [row, edition] = await Promise.all([
      this.db.prepare(READ_ORDER).bind(claims.orderId, claims.buildId, claims.format).first<OrderWithCopyRow>(),
      known ?? new EditionRepository(this.db).publishedBuild(claims.slug, claims.buildId),
    ]);
    const order = authorize(claims, row && orderFromRow(row));
    if (!edition) throw new BinderyError('forbidden', 'this download link names an edition that was never published for this book');
    publishedEditions.set(editionKey(claims), edition);
    const file = editionFile(edition, claims.format, false);
    if (!file) throw new BinderyError('not-found', `this edition has no ${FORMAT_REGISTRY[claims.format].label} file`);
    let copy: StampedCopy;
    if (row?.s_r2Key && row.s_size !== null && row.s_sha256) {
      copy = { r2Key: row.s_r2Key, size: row.s_size, sha256: row.s_sha256 };
    } else {
      await this.admission(gate, 'probe'); // an over-limit client gets no copy stamped
      copy = await this.stamp(order, edition, claims.format, file.r2Key);
    }
    stampedCopies.set(copyKey(claims), copy);
    return { edition, copy };
  }

  /** One batch: the order as it is now, and the limit checked (and, for a download, the window opened) atomically. */
  private async admission({ claims, clientHash, now }: Gate, kind: 'download' | 'probe'): Promise<void> {
    const window = [claims.orderId, claims.buildId, claims.format, clientHash, new Date(now).toISOString()] as const;
    const limit = this.config.DOWNLOAD_LIMIT;
    const statements =
      kind === 'download'
        ? [
            this.db.prepare(OPEN_DOWNLOAD).bind(...window, limit, new Date(now + DOWNLOAD_WINDOW_MS).toISOString(), claims.slug),
            this.db.prepare(DOWNLOAD_ADMITTED).bind(...window),
          ]
        : [this.db.prepare(PROBE_ADMITTED).bind(...window, limit)];
    const results = await this.db.batch<Record<string, unknown>>([
      this.db.prepare(READ_ORDER).bind(claims.orderId, claims.buildId, claims.format),
      ...statements,
    ]);
    const row = results[0].results[0] as OrderRow | undefined;
    authorize(claims, row ? orderFromRow(row) : null);
    if ((results.at(-1)!.results[0] as { admitted: number }).admitted) return;
    throw new BinderyError(
      'forbidden',
      `download limit reached: this ${FORMAT_REGISTRY[claims.format].label} has been downloaded ${limit} times (limit ${limit} per format and edition); contact the publisher if you need more`,
    );
  }

  /** Stamps the buyer's copy of an edition file and keeps it in R2 (and says so in D1) for every later download. */
  private async stamp(order: OrderWithEntitlement, edition: Edition, formatId: Format, originalKey: string): Promise<StampedCopy> {
    const original = await this.bucket.get(originalKey);
    if (!original) throw new BinderyError('internal', `edition file ${originalKey} is missing from storage`);
    const bytes = new Uint8Array(await original.arrayBuffer());
    const licence = { email: order.email, name: order.buyerName, orderId: order.id, mark: order.licenceMark };
    const format = FORMAT_REGISTRY[formatId];
    const font = async () => {
      const object = await this.bucket.get(BODY_FONT_KEY);
      return object ? new Uint8Array(await object.arrayBuffer()) : null;
    };
    const plan: PlanStore = {
      read: async () => {
        const object = await this.bucket.get(stampPlanKey(originalKey));
        return object ? new Uint8Array(await object.arrayBuffer()) : null;
      },
      // Keeping the plan only saves later buyers time: a store that fails it does not fail this buyer's download.
      write: (bytes) =>
        this.bucket.put(stampPlanKey(originalKey), bytes).then(
          () => undefined,
          (err) => console.error(`could not keep the stamp plan of ${originalKey}`, err),
        ),
    };
    const stamped = await (await format.stamper()).stamp(bytes, licence, { markKey: await markKeyOf(this.config.SIGNING_KEY), line: this.config.LICENCE_LINE, font, plan });
    const copy: StampedCopy = {
      r2Key: stampedKey(order.id, edition.buildId, edition.slug, formatId),
      size: stamped.byteLength,
      sha256: await sha256Hex(stamped),
    };
    await this.bucket.put(copy.r2Key, stamped, {
      httpMetadata: { contentType: format.mediaType },
      sha256: copy.sha256,
    });
    await this.db
      .prepare(
        `INSERT INTO stamped_files (order_id, build_id, format, r2_key, size, sha256, created_at, mark_code) VALUES (?, ?, ?, ?, ?, ?, ?, 'keyed')
         ON CONFLICT (order_id, build_id, format) DO UPDATE SET r2_key = excluded.r2_key, size = excluded.size, sha256 = excluded.sha256, mark_code = 'keyed'
         WHERE mark_code <> 'keyed'`,
      )
      .bind(order.id, edition.buildId, formatId, copy.r2Key, copy.size, copy.sha256, nowIso())
      .run();
    return copy;
  }
}

interface Gate {
  claims: DownloadClaims;
  /** HMAC of the client IP, keyed with SIGNING_KEY: windows are per client, and the address is never stored. */
  clientHash: string;
  now: number;
}

/** The order a link names, if it may still download this book. @throws BinderyError('forbidden') saying why not. */
function authorize(claims: DownloadClaims, order: OrderWithEntitlement | null): OrderWithEntitlement {
  if (!order) throw new BinderyError('forbidden', 'this download link is no longer valid; open your library for a fresh one');
  if (order.entitlement.revokedAt) {
    throw new BinderyError('forbidden', `this purchase is no longer valid (${order.entitlement.revokeReason ?? 'revoked'}); downloads are closed`);
  }
  if (order.bookSlug !== claims.slug) throw new BinderyError('forbidden', 'this download link is for a book the order did not buy');
  return order;
}
