-- Catalog: the article pool, books (hand-made or topic bundles), builds and editions.

-- An article of the shared pool. `markdown` keeps the whole file, front matter included.
CREATE TABLE articles (
  id          TEXT PRIMARY KEY,               -- editor-chosen, e.g. "ai-video/01-launch"
  title       TEXT NOT NULL,
  author      TEXT,
  date        TEXT,                           -- YYYY-MM-DD
  lang        TEXT,
  tags        TEXT NOT NULL DEFAULT '[]',     -- JSON array, mirrored in article_tags for queries
  markdown    TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE INDEX articles_date ON articles(date);

CREATE TABLE article_tags (
  article_id  TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  tag         TEXT NOT NULL,
  PRIMARY KEY (article_id, tag)
);
CREATE INDEX article_tags_tag ON article_tags(tag);

-- Images an article references, stored in R2 under assets/<sha256>.
CREATE TABLE article_assets (
  article_id  TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  path        TEXT NOT NULL,                  -- as referenced from the article, e.g. images/chart.png
  r2_key      TEXT NOT NULL,
  media_type  TEXT NOT NULL,
  size        INTEGER NOT NULL,
  sha256      TEXT NOT NULL,
  PRIMARY KEY (article_id, path)
);

-- A book: a manifest whose chapters name pool articles, or a bundle defined by a query over the pool.
CREATE TABLE books (
  slug                TEXT PRIMARY KEY,
  kind                TEXT NOT NULL CHECK (kind IN ('book', 'bundle')),
  manifest            TEXT NOT NULL,          -- JSON: book.yaml fields; for bundles also "query"
  title               TEXT NOT NULL,
  published_build_id  TEXT,                   -- the edition on sale (NULL until published)
  published_at        TEXT,
  created_at          TEXT NOT NULL,
  updated_at          TEXT NOT NULL
);

-- Files a book itself holds (its cover), in R2 under assets/<sha256>.
CREATE TABLE book_assets (
  book_slug   TEXT NOT NULL REFERENCES books(slug) ON DELETE CASCADE,
  path        TEXT NOT NULL,                  -- as named in the manifest, e.g. cover.png
  r2_key      TEXT NOT NULL,
  media_type  TEXT NOT NULL,
  size        INTEGER NOT NULL,
  sha256      TEXT NOT NULL,
  PRIMARY KEY (book_slug, path)
);

-- One build of a book. Ready builds are editions; one of them may be the published one.
CREATE TABLE builds (
  id            TEXT PRIMARY KEY,
  book_slug     TEXT NOT NULL REFERENCES books(slug),
  content_hash  TEXT NOT NULL,                -- sha256 of the normalised input: same content, same build
  status        TEXT NOT NULL CHECK (status IN ('queued', 'building', 'ready', 'failed')),
  progress      REAL NOT NULL DEFAULT 0,
  error         TEXT,                         -- JSON {code, message, file, line, field}
  facts         TEXT,                         -- JSON BuildFacts (title, chapters/TOC, files, warnings)
  meta          TEXT,                         -- JSON BookMeta of this edition (title, authors, price, …)
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  purged_at     TEXT                          -- when the R2 objects of a failed build were removed
);
CREATE INDEX builds_book ON builds(book_slug, created_at);
CREATE INDEX builds_hash ON builds(book_slug, content_hash);
-- Idempotency: at most one queued/building/ready build per content; failed ones may be retried.
CREATE UNIQUE INDEX builds_live_hash ON builds(book_slug, content_hash) WHERE status <> 'failed';

-- The files of a ready build, in R2 at editions/<slug>/<content-hash>/<file>.
CREATE TABLE build_files (
  build_id    TEXT NOT NULL REFERENCES builds(id),
  format      TEXT NOT NULL,                  -- epub | pdf | sample-epub | sample-pdf
  r2_key      TEXT NOT NULL,
  size        INTEGER NOT NULL,
  sha256      TEXT NOT NULL,
  pages       INTEGER,
  PRIMARY KEY (build_id, format)
);

-- Every publish (and rollback): the edition history.
CREATE TABLE publications (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  book_slug     TEXT NOT NULL REFERENCES books(slug),
  build_id      TEXT NOT NULL REFERENCES builds(id),
  published_at  TEXT NOT NULL
);
CREATE INDEX publications_book ON publications(book_slug, published_at);

-- Editor API tokens, stored only as SHA-256 hashes.
CREATE TABLE api_tokens (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  token_hash  TEXT NOT NULL UNIQUE,
  scopes      TEXT NOT NULL,                  -- JSON array: admin | editor
  created_at  TEXT NOT NULL,
  revoked_at  TEXT
);
