import { newId, nowIso } from '../catalog/clock.ts';
import { toHex } from '../crypto.ts';
import { BinderyError } from '../errors.ts';
import { normaliseEmail } from '../email.ts';
import { printableName } from '../buyer-name.ts';

export interface Order {
  /** The opaque purchase id (`pur_…`): the only name of an order a person or a file ever sees. */
  id: string;
  bookSlug: string;
  email: string;
  amount: number;
  currency: string;
  source: 'stripe' | 'grant';
  paymentIntent: string | null;
  licenceMark: string;
  /** The payer's name, kept only where the licence line prints it; null otherwise. */
  buyerName: string | null;
  /** Why the order was held for the publisher's review instead of granted; null when it was granted. */
  reviewReason: string | null;
  createdAt: string;
}

export interface Entitlement {
  id: string;
  orderId: string;
  email: string;
  bookSlug: string;
  createdAt: string;
  revokedAt: string | null;
  revokeReason: string | null;
}

export interface OrderWithEntitlement extends Order {
  entitlement: Entitlement;
}

export interface NewOrder {
  /** The Stripe Checkout Session that paid for it: internal, for matching webhooks only. */
  checkoutSessionId?: string;
  bookSlug: string;
  email: string;
  amount: number;
  currency: string;
  source: Order['source'];
  paymentIntent?: string | null;
  /** The payer's name, for a deployment whose licence line prints it. */
  buyerName?: string | null;
  /** Set when the payment does not match what the checkout asked: the order is kept, its entitlement held. */
  reviewReason?: string | null;
}

/** A refund or failed payment, keyed by what the event names: the session or the payment intent. */
export interface Reversal {
  sessionId?: string;
  paymentIntent?: string;
  reason: string;
  eventId: string;
}

const ORDER_COLUMNS = `o.id, o.book_slug AS bookSlug, o.email, o.amount, o.currency, o.source,
  o.payment_intent AS paymentIntent, o.licence_mark AS licenceMark, o.buyer_name AS buyerName, o.review_reason AS reviewReason, o.created_at AS createdAt`;
const ENTITLEMENT_COLUMNS = `e.id AS e_id, e.order_id AS e_orderId, e.email AS e_email, e.book_slug AS e_bookSlug,
  e.created_at AS e_createdAt, e.revoked_at AS e_revokedAt, e.revoke_reason AS e_revokeReason`;

/** How a held entitlement's revoke_reason starts: a refund or failed payment may still overwrite it, a release may lift it. */
const HELD = 'held for review:';
/** Entitlements a refund or failed payment revokes: live ones, and those only held for review. */
const REVOCABLE = `(revoked_at IS NULL OR revoke_reason LIKE '${HELD}%')`;

/** Whether an order is waiting for the publisher's review: held, and not since refunded or revoked (those overwrite the hold). */
export const isHeld = (order: OrderWithEntitlement): boolean => order.reviewReason !== null && (order.entitlement.revokeReason?.startsWith(HELD) ?? false);

/** A row of `ORDER_WITH_ENTITLEMENT_COLUMNS`; `orderFromRow` reads it. */
export type OrderRow = Order & Record<`e_${keyof Entitlement}`, string | null>;

/**
 * An order with its entitlement: these columns from `ORDERS_WITH_ENTITLEMENTS` (`o`, `e`), for reads that join
 * a table of their own (a download reads its stamped copy in the same statement).
 */
export const ORDER_WITH_ENTITLEMENT_COLUMNS = `${ORDER_COLUMNS}, ${ENTITLEMENT_COLUMNS}`;
export const ORDERS_WITH_ENTITLEMENTS = 'orders o JOIN entitlements e ON e.order_id = o.id';

/** A new purchase id: 128 random bits, so ids cannot be guessed or enumerated. */
export const newPurchaseId = (): string => `pur_${toHex(crypto.getRandomValues(new Uint8Array(16)))}`;

/** Orders, entitlements and payment reversals in D1. Every write is idempotent: replays change nothing. */
export class OrderRepository {
  constructor(private readonly db: D1Database) {}

  /**
   * Records an order and its entitlement (once; a replay returns the existing
   * one). A refund or failure that arrived earlier revokes it at once, so the
   * order of webhook deliveries does not matter.
   */
  async create(order: NewOrder): Promise<{ order: OrderWithEntitlement; created: boolean }> {
    const now = nowIso();
    const id = newPurchaseId();
    const email = normaliseEmail(order.email);
    const session = order.checkoutSessionId ?? null;
    const review = order.reviewReason ?? null;
    const [inserted] = await this.db.batch([
      this.db
        .prepare(
          `INSERT INTO orders (id, checkout_session_id, book_slug, email, amount, currency, source, payment_intent, licence_mark, buyer_name, review_reason, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (checkout_session_id) DO NOTHING`,
        )
        .bind(id, session, order.bookSlug, email, order.amount, order.currency.toUpperCase(), order.source, order.paymentIntent ?? null, crypto.randomUUID(), printableName(order.buyerName), review, now),
      // Only with a new order (a replayed session inserted none): its entitlement, held when the order is under review.
      this.db
        .prepare(
          `INSERT INTO entitlements (id, order_id, email, book_slug, created_at, revoked_at, revoke_reason)
           SELECT ?1, id, email, book_slug, ?2, CASE WHEN review_reason IS NULL THEN NULL ELSE ?2 END,
             CASE WHEN review_reason IS NULL THEN NULL ELSE '${HELD} ' || review_reason END
           FROM orders WHERE id = ?3`,
        )
        .bind(newId('ent'), now, id),
      this.db
        .prepare(
          `UPDATE entitlements SET revoked_at = ?1,
             revoke_reason = (SELECT reason FROM payment_reversals WHERE key IN ('cs:' || ?3, 'pi:' || ?4) ORDER BY created_at LIMIT 1)
           WHERE order_id = ?2 AND ${REVOCABLE}
             AND EXISTS (SELECT 1 FROM payment_reversals WHERE key IN ('cs:' || ?3, 'pi:' || ?4))`,
        )
        .bind(now, id, session ?? '', order.paymentIntent ?? ''),
    ]);
    const created = inserted.meta.changes > 0;
    const stored = created ? await this.get(id) : await this.byCheckoutSession(session!);
    if (!stored) throw new BinderyError('internal', `order for checkout session "${session}" vanished while being recorded`);
    return { order: stored, created };
  }

  /** Remembers a reversal and revokes the entitlement it names, if that order exists yet. */
  async reverse(reversal: Reversal): Promise<void> {
    const now = nowIso();
    const keys = [reversal.sessionId && `cs:${reversal.sessionId}`, reversal.paymentIntent && `pi:${reversal.paymentIntent}`].filter(
      (k): k is string => Boolean(k),
    );
    if (keys.length === 0) return;
    await this.db.batch([
      ...keys.map((key) =>
        this.db
          .prepare('INSERT INTO payment_reversals (key, reason, event_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING')
          .bind(key, reversal.reason, reversal.eventId, now),
      ),
      this.db
        .prepare(
          `UPDATE entitlements SET revoked_at = ?, revoke_reason = ?
           WHERE ${REVOCABLE} AND order_id IN (SELECT id FROM orders WHERE checkout_session_id = ? OR (payment_intent IS NOT NULL AND payment_intent = ?))`,
        )
        .bind(now, reversal.reason, reversal.sessionId ?? '', reversal.paymentIntent ?? ''),
    ]);
  }

  /** An order by its purchase id. */
  async get(purchaseId: string): Promise<OrderWithEntitlement | null> {
    return this.one('o.id = ?', purchaseId);
  }

  /** The order a Stripe Checkout Session paid for (webhooks and the checkout's return page only). */
  async byCheckoutSession(sessionId: string): Promise<OrderWithEntitlement | null> {
    return this.one('o.checkout_session_id = ?', sessionId);
  }

  /**
   * The order a stamped file names: its purchase id, or — for copies stamped
   * before purchase ids existed — the checkout session id they carried.
   */
  async forStamp(stampedId: string): Promise<OrderWithEntitlement | null> {
    return this.one('(o.id = ?1 OR o.checkout_session_id = ?1)', stampedId);
  }

  private async one(where: string, value: string): Promise<OrderWithEntitlement | null> {
    const row = await this.db
      .prepare(`SELECT ${ORDER_WITH_ENTITLEMENT_COLUMNS} FROM ${ORDERS_WITH_ENTITLEMENTS} WHERE ${where}`)
      .bind(value)
      .first<OrderRow>();
    return row ? orderFromRow(row) : null;
  }

  /** Orders whose entitlement is still valid, newest first; one per book (a reader may have bought twice). */
  async activeForEmail(email: string): Promise<OrderWithEntitlement[]> {
    const rows = await this.db
      .prepare(
        `SELECT ${ORDER_COLUMNS}, ${ENTITLEMENT_COLUMNS} FROM orders o JOIN entitlements e ON e.order_id = o.id
         WHERE e.email = ? AND e.revoked_at IS NULL ORDER BY o.created_at DESC, o.id`,
      )
      .bind(normaliseEmail(email))
      .all<OrderRow>();
    const seen = new Set<string>();
    return rows.results.map(orderFromRow).filter((o) => !seen.has(o.bookSlug) && seen.add(o.bookSlug));
  }

  async listForBook(slug: string): Promise<OrderWithEntitlement[]> {
    const rows = await this.db
      .prepare(
        `SELECT ${ORDER_COLUMNS}, ${ENTITLEMENT_COLUMNS} FROM orders o JOIN entitlements e ON e.order_id = o.id
         WHERE o.book_slug = ? ORDER BY o.created_at DESC, o.id`,
      )
      .bind(slug)
      .all<OrderRow>();
    return rows.results.map(orderFromRow);
  }

  /**
   * Grants an order the publisher reviewed: clears the hold and revives the
   * entitlement the hold revoked (never one a refund or an admin revoked).
   * @throws BinderyError('not-found' | 'conflict')
   */
  async release(purchaseId: string): Promise<OrderWithEntitlement> {
    const [revived] = await this.db.batch([
      this.db
        .prepare(`UPDATE entitlements SET revoked_at = NULL, revoke_reason = NULL WHERE order_id = ? AND revoke_reason LIKE '${HELD} %'`)
        .bind(purchaseId),
      this.db
        .prepare('UPDATE orders SET review_reason = NULL WHERE id = ?1 AND EXISTS (SELECT 1 FROM entitlements WHERE order_id = ?1 AND revoked_at IS NULL)')
        .bind(purchaseId),
    ]);
    const order = await this.get(purchaseId);
    if (!order) throw new BinderyError('not-found', `no purchase "${purchaseId}"`, { field: 'id' });
    if (revived.meta.changes === 0) {
      const state = order.entitlement.revokedAt ? `revoked (${order.entitlement.revokeReason ?? 'no reason'})` : 'granted already';
      throw new BinderyError('conflict', `purchase "${purchaseId}" is not held for review: it is ${state}`, { field: 'id' });
    }
    return order;
  }

  /** Revokes an entitlement by its id (a held one too, so a later release cannot grant it); revoking twice keeps the first time and reason. */
  async revokeEntitlement(id: string, reason: string): Promise<Entitlement> {
    await this.db
      .prepare(`UPDATE entitlements SET revoked_at = ?, revoke_reason = ? WHERE id = ? AND ${REVOCABLE}`)
      .bind(nowIso(), reason, id)
      .run();
    const row = await this.db
      .prepare(`SELECT ${ENTITLEMENT_COLUMNS} FROM entitlements e WHERE e.id = ?`)
      .bind(id)
      .first<Record<`e_${keyof Entitlement}`, string | null>>();
    if (!row) throw new BinderyError('not-found', `entitlement "${id}" not found`, { field: 'id' });
    return entitlement(row);
  }
}

function entitlement(row: Record<`e_${keyof Entitlement}`, string | null>): Entitlement {
  return {
    id: row.e_id!,
    orderId: row.e_orderId!,
    email: row.e_email!,
    bookSlug: row.e_bookSlug!,
    createdAt: row.e_createdAt!,
    revokedAt: row.e_revokedAt,
    revokeReason: row.e_revokeReason,
  };
}

export function orderFromRow(row: OrderRow): OrderWithEntitlement {
  return {
    id: row.id,
    bookSlug: row.bookSlug,
    email: row.email,
    amount: row.amount,
    currency: row.currency,
    source: row.source,
    paymentIntent: row.paymentIntent,
    licenceMark: row.licenceMark,
    buyerName: row.buyerName,
    reviewReason: row.reviewReason,
    createdAt: row.createdAt,
    entitlement: entitlement(row),
  };
}
