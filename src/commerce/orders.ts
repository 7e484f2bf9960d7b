import { newId, nowIso } from '../catalog/clock.ts';
import { BinderyError } from '../errors.ts';

export interface Order {
  id: string;
  bookSlug: string;
  email: string;
  amount: number;
  currency: string;
  source: 'stripe' | 'grant';
  paymentIntent: string | null;
  licenceMark: string;
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
  id: string;
  bookSlug: string;
  email: string;
  amount: number;
  currency: string;
  source: Order['source'];
  paymentIntent?: string | null;
}

/** A refund or failed payment, keyed by what the event names: the session or the payment intent. */
export interface Reversal {
  sessionId?: string;
  paymentIntent?: string;
  reason: string;
  eventId: string;
}

const ORDER_COLUMNS = `o.id, o.book_slug AS bookSlug, o.email, o.amount, o.currency, o.source,
  o.payment_intent AS paymentIntent, o.licence_mark AS licenceMark, o.created_at AS createdAt`;
const ENTITLEMENT_COLUMNS = `e.id AS e_id, e.order_id AS e_orderId, e.email AS e_email, e.book_slug AS e_bookSlug,
  e.created_at AS e_createdAt, e.revoked_at AS e_revokedAt, e.revoke_reason AS e_revokeReason`;

type JoinedRow = Order & Record<`e_${keyof Entitlement}`, string | null>;

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

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
    const email = normaliseEmail(order.email);
    const [inserted] = await this.db.batch([
      this.db
        .prepare(
          `INSERT INTO orders (id, book_slug, email, amount, currency, source, payment_intent, licence_mark, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
        )
        .bind(order.id, order.bookSlug, email, order.amount, order.currency.toUpperCase(), order.source, order.paymentIntent ?? null, crypto.randomUUID(), now),
      this.db
        .prepare(
          `INSERT INTO entitlements (id, order_id, email, book_slug, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (order_id) DO NOTHING`,
        )
        .bind(newId('ent'), order.id, email, order.bookSlug, now),
      this.db
        .prepare(
          `UPDATE entitlements SET revoked_at = ?1,
             revoke_reason = (SELECT reason FROM payment_reversals WHERE key IN ('cs:' || ?2, 'pi:' || ?3) ORDER BY created_at LIMIT 1)
           WHERE order_id = ?2 AND revoked_at IS NULL
             AND EXISTS (SELECT 1 FROM payment_reversals WHERE key IN ('cs:' || ?2, 'pi:' || ?3))`,
        )
        .bind(now, order.id, order.paymentIntent ?? ''),
    ]);
    const stored = await this.get(order.id);
    if (!stored) throw new BinderyError('internal', `order "${order.id}" vanished while being recorded`);
    return { order: stored, created: inserted.meta.changes > 0 };
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
           WHERE revoked_at IS NULL AND order_id IN (SELECT id FROM orders WHERE id = ? OR (payment_intent IS NOT NULL AND payment_intent = ?))`,
        )
        .bind(now, reversal.reason, reversal.sessionId ?? '', reversal.paymentIntent ?? ''),
    ]);
  }

  async get(orderId: string): Promise<OrderWithEntitlement | null> {
    const row = await this.db
      .prepare(`SELECT ${ORDER_COLUMNS}, ${ENTITLEMENT_COLUMNS} FROM orders o JOIN entitlements e ON e.order_id = o.id WHERE o.id = ?`)
      .bind(orderId)
      .first<JoinedRow>();
    return row ? joined(row) : null;
  }

  /** Orders whose entitlement is still valid, newest first; one per book (a reader may have bought twice). */
  async activeForEmail(email: string): Promise<OrderWithEntitlement[]> {
    const rows = await this.db
      .prepare(
        `SELECT ${ORDER_COLUMNS}, ${ENTITLEMENT_COLUMNS} FROM orders o JOIN entitlements e ON e.order_id = o.id
         WHERE e.email = ? AND e.revoked_at IS NULL ORDER BY o.created_at DESC, o.id`,
      )
      .bind(normaliseEmail(email))
      .all<JoinedRow>();
    const seen = new Set<string>();
    return rows.results.map(joined).filter((o) => !seen.has(o.bookSlug) && seen.add(o.bookSlug));
  }

  async listForBook(slug: string): Promise<OrderWithEntitlement[]> {
    const rows = await this.db
      .prepare(
        `SELECT ${ORDER_COLUMNS}, ${ENTITLEMENT_COLUMNS} FROM orders o JOIN entitlements e ON e.order_id = o.id
         WHERE o.book_slug = ? ORDER BY o.created_at DESC, o.id`,
      )
      .bind(slug)
      .all<JoinedRow>();
    return rows.results.map(joined);
  }

  /** Revokes an entitlement by its id; revoking twice keeps the first time and reason. */
  async revokeEntitlement(id: string, reason: string): Promise<Entitlement> {
    await this.db
      .prepare('UPDATE entitlements SET revoked_at = ?, revoke_reason = ? WHERE id = ? AND revoked_at IS NULL')
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

function joined(row: JoinedRow): OrderWithEntitlement {
  return {
    id: row.id,
    bookSlug: row.bookSlug,
    email: row.email,
    amount: row.amount,
    currency: row.currency,
    source: row.source,
    paymentIntent: row.paymentIntent,
    licenceMark: row.licenceMark,
    createdAt: row.createdAt,
    entitlement: entitlement(row),
  };
}
