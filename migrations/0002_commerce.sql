-- Commerce: Stripe events, orders, entitlements, library links, stamped copies, downloads, mail.

-- Every Stripe event handled, by id: a replayed delivery changes nothing.
CREATE TABLE stripe_events (
  id           TEXT PRIMARY KEY,
  type         TEXT NOT NULL,
  received_at  TEXT NOT NULL
);

-- A purchase (id = Checkout Session id) or a complimentary grant (id = grant_<uuid>).
CREATE TABLE orders (
  id              TEXT PRIMARY KEY,
  book_slug       TEXT NOT NULL REFERENCES books(slug),
  email           TEXT NOT NULL,                  -- lower-cased
  amount          INTEGER NOT NULL,               -- minor units, as Stripe reports them
  currency        TEXT NOT NULL,                  -- upper-case ISO 4217
  source          TEXT NOT NULL CHECK (source IN ('stripe', 'grant')),
  payment_intent  TEXT,
  licence_mark    TEXT NOT NULL UNIQUE,           -- per-order UUID hidden in stamped copies
  created_at      TEXT NOT NULL
);
CREATE INDEX orders_book ON orders(book_slug, created_at);
CREATE INDEX orders_email ON orders(email);

-- The right to download a book, given by one order. Revoked by a refund, a failed payment or an admin.
CREATE TABLE entitlements (
  id             TEXT PRIMARY KEY,
  order_id       TEXT NOT NULL UNIQUE REFERENCES orders(id),
  email          TEXT NOT NULL,
  book_slug      TEXT NOT NULL REFERENCES books(slug),
  created_at     TEXT NOT NULL,
  revoked_at     TEXT,
  revoke_reason  TEXT
);
CREATE INDEX entitlements_email ON entitlements(email);

-- Refunds and failed payments, remembered even when they arrive before the order they cancel.
-- key: "cs:<session id>" or "pi:<payment intent id>".
CREATE TABLE payment_reversals (
  key         TEXT PRIMARY KEY,
  reason      TEXT NOT NULL,
  event_id    TEXT NOT NULL,
  created_at  TEXT NOT NULL
);

-- Library magic links: the token is <id>.<HMAC(id)>; revoking the row kills the link.
CREATE TABLE library_tokens (
  id          TEXT PRIMARY KEY,
  email       TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  revoked_at  TEXT
);
CREATE INDEX library_tokens_email ON library_tokens(email, created_at);

-- One stamped copy per order, edition and format, kept in R2 at orders/<order>/<build>/<file>.
CREATE TABLE stamped_files (
  order_id    TEXT NOT NULL REFERENCES orders(id),
  build_id    TEXT NOT NULL REFERENCES builds(id),
  format      TEXT NOT NULL,
  r2_key      TEXT NOT NULL,
  size        INTEGER NOT NULL,
  sha256      TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  PRIMARY KEY (order_id, build_id, format)
);

-- Every download served; counts against DOWNLOAD_LIMIT per order, edition and format.
CREATE TABLE downloads (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  order_id       TEXT NOT NULL REFERENCES orders(id),
  build_id       TEXT NOT NULL,
  format         TEXT NOT NULL,
  ip_hash        TEXT NOT NULL,                 -- HMAC of the client IP: counts repeat visitors without storing addresses
  downloaded_at  TEXT NOT NULL
);
CREATE INDEX downloads_order ON downloads(order_id, build_id, format);

-- Mail waiting for (or done with) the configured sender.
CREATE TABLE mail_outbox (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  to_email    TEXT NOT NULL,
  subject     TEXT NOT NULL,
  body        TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  sent_at     TEXT,
  attempts    INTEGER NOT NULL DEFAULT 0,
  last_error  TEXT
);
CREATE INDEX mail_outbox_pending ON mail_outbox(sent_at, created_at);
