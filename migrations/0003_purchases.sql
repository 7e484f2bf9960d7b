-- Opaque purchase ids, browser-bound checkouts, expiring library links, download windows, rate limits.
-- A stamped copy used to carry the Stripe Checkout Session id, which opened the buyer's library at
-- /checkout/success. Orders are now named by a random purchase id (pur_…); the session id stays
-- internal, for matching webhooks only.

-- Child rows are re-keyed before their parent: check the foreign keys when the migration commits.
PRAGMA defer_foreign_keys = on;

ALTER TABLE orders ADD COLUMN checkout_session_id TEXT;
-- Why a paid order was held instead of granted (amount or currency not what the checkout asked); NULL when fine.
ALTER TABLE orders ADD COLUMN review_reason TEXT;
UPDATE orders SET checkout_session_id = id WHERE source = 'stripe';
CREATE UNIQUE INDEX orders_checkout_session ON orders(checkout_session_id);

ALTER TABLE orders ADD COLUMN purchase_id TEXT;
UPDATE orders SET purchase_id = 'pur_' || lower(hex(randomblob(16)));
UPDATE entitlements SET order_id = (SELECT purchase_id FROM orders WHERE orders.id = entitlements.order_id);
UPDATE downloads SET order_id = (SELECT purchase_id FROM orders WHERE orders.id = downloads.order_id);
-- Copies stamped with a session id are stamped again, with the purchase id, on their next download.
DELETE FROM stamped_files;
UPDATE orders SET id = purchase_id;
ALTER TABLE orders DROP COLUMN purchase_id;

-- Checkouts started here: the price asked (to check what Stripe reports paid) and the browser that
-- started it (the hash of a nonce held in an HttpOnly cookie), so only that browser sees the library link.
CREATE TABLE checkout_sessions (
  id                  TEXT PRIMARY KEY,              -- Stripe Checkout Session id
  book_slug           TEXT NOT NULL,
  amount              INTEGER NOT NULL,              -- minor units
  currency            TEXT NOT NULL,                 -- upper-case ISO 4217
  browser_nonce_hash  TEXT NOT NULL,
  created_at          TEXT NOT NULL
);
CREATE INDEX checkout_sessions_created ON checkout_sessions(created_at);

-- Library links expire (renewed when opened); opening a newer link revokes the older ones of the address.
ALTER TABLE library_tokens ADD COLUMN expires_at TEXT;
-- A link handed to the browser that paid opens that purchase only: Stripe does not check that the payer owns the
-- address they typed, so only the mailed link may open everything the address bought.
ALTER TABLE library_tokens ADD COLUMN order_id TEXT REFERENCES orders(id);
-- Links mailed before expiry existed keep working for 90 days from now.
UPDATE library_tokens SET expires_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+90 days');

-- A download is a window: the first request for a copy from one client opens it and counts;
-- later requests (ranges, resumes) from that client within the window ride on it.
ALTER TABLE downloads ADD COLUMN window_ends TEXT;
UPDATE downloads SET window_ends = strftime('%Y-%m-%dT%H:%M:%fZ', downloaded_at, '+1 hour');
CREATE INDEX downloads_window ON downloads(order_id, build_id, format, ip_hash, window_ends);

-- Fixed-window request counters (resends per address and per IP).
CREATE TABLE rate_limits (
  key           TEXT NOT NULL,                       -- e.g. "resend-email:<hash>"
  window_start  TEXT NOT NULL,
  count         INTEGER NOT NULL,
  PRIMARY KEY (key, window_start)
);
