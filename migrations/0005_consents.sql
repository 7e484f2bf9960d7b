-- Contributor consent: who agreed to what, the log of grants and withdrawals, what each edition
-- contains, and the rebuilds a withdrawal set off. Records are never deleted: they are the
-- publisher's evidence of what it did and when.

-- One contributor's consent for their part of some articles and images.
CREATE TABLE consents (
  id           TEXT PRIMARY KEY,                -- cns_…
  contributor  TEXT NOT NULL,                   -- the name as the articles credit it
  role         TEXT NOT NULL,                   -- interviewee, photographer, illustrator, co-author, …
  email        TEXT,
  language     TEXT NOT NULL CHECK (language IN ('en', 'zh-Hant')), -- of the consent page
  scope        TEXT NOT NULL CHECK (scope IN ('book', 'all')),
  scope_book   TEXT,                            -- the one book or bundle, when scope = 'book'
  status       TEXT NOT NULL CHECK (status IN ('granted', 'withdrawn')),
  granted_at   TEXT NOT NULL,
  granted_by   TEXT NOT NULL,                   -- the editor (API token name) who recorded it
  updated_at   TEXT NOT NULL,
  CHECK ((scope = 'book') = (scope_book IS NOT NULL))
);

-- What a consent covers: an article's text (image_path '') or one image of it (the path as the
-- article references it). Listed when the record is made, or declared by the article's front
-- matter (`contributors: [{consent: cns_…}]`, `images:`), which is rewritten with the article.
CREATE TABLE consent_uses (
  consent_id  TEXT NOT NULL,
  article_id  TEXT NOT NULL,
  image_path  TEXT NOT NULL DEFAULT '',
  origin      TEXT NOT NULL CHECK (origin IN ('record', 'front-matter')),
  PRIMARY KEY (consent_id, article_id, image_path, origin)
);
CREATE INDEX consent_uses_article ON consent_uses(article_id);

-- Every grant, withdrawal and re-grant, with when and through what.
CREATE TABLE consent_events (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  consent_id  TEXT NOT NULL REFERENCES consents(id),
  action      TEXT NOT NULL CHECK (action IN ('grant', 'withdraw', 'regrant')),
  source      TEXT NOT NULL,                    -- 'consent link', or 'editor: <token name>'
  reason      TEXT,
  at          TEXT NOT NULL
);
CREATE INDEX consent_events_consent ON consent_events(consent_id);

-- What a build's content holds (written when the build is requested, from its snapshot): the
-- articles, and each image still in it (image_path as the article references it).
CREATE TABLE edition_contents (
  book_slug     TEXT NOT NULL,
  content_hash  TEXT NOT NULL,
  article_id    TEXT NOT NULL,
  image_path    TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (book_slug, content_hash, article_id, image_path)
);
CREATE INDEX edition_contents_article ON edition_contents(article_id);

-- The editions a withdrawal affected: the one on sale that held the content, the rebuild queued
-- for it (or why none could be), and when the rebuild went on sale.
CREATE TABLE consent_rebuilds (
  event_id          INTEGER NOT NULL REFERENCES consent_events(id),
  book_slug         TEXT NOT NULL,
  replaced_build_id TEXT NOT NULL,
  build_id          TEXT,
  error             TEXT,                       -- JSON BuildError when the rebuild could not be made
  queued_at         TEXT NOT NULL,
  published_at      TEXT,
  PRIMARY KEY (event_id, book_slug)
);
CREATE INDEX consent_rebuilds_build ON consent_rebuilds(build_id);
