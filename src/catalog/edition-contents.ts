import { nowIso } from './clock.ts';
import type { BuildError } from './builds.ts';
import { WITHHOLDS, type ConsentStatus } from './consents.ts';

/** A piece of content an edition holds: an article's text (`image` null) or one of its images. */
export interface EditionItem {
  articleId: string;
  image: string | null;
}

/** Content an edition holds that consent no longer lets into its book. */
export interface WithheldItem extends EditionItem {
  consentId: string;
  contributor: string;
  status: ConsentStatus;
}

/** A book or bundle whose edition on sale holds content of a consent. */
export interface AffectedEdition {
  slug: string;
  buildId: string;
}

export interface EditionOnSale extends AffectedEdition {
  contentHash: string;
  title: string;
  kind: 'book' | 'bundle';
  /** The edition's date, YYYY-MM-DD. */
  editionDate: string;
  publishedAt: string;
}

/** One edition a withdrawal affected, and what became of its rebuild. */
export interface ConsentRebuild {
  slug: string;
  /** The edition on sale that held the withdrawn content. */
  replacedBuildId: string;
  buildId: string | null;
  error: BuildError | null;
  queuedAt: string;
  publishedAt: string | null;
  /** The rebuild's changelog: the articles it left out and whose consent kept them out (empty until it is built). */
  removed: { article: string; contributor: string; role: string; consent: string }[];
}

export interface Withdrawal {
  eventId: number;
  consentId: string;
  contributor: string;
  role: string;
  source: string;
  reason: string | null;
  at: string;
  editions: ConsentRebuild[];
}

/**
 * What each build's content holds (edition_contents), so a withdrawal finds
 * the editions on sale it touches and a publish can refuse one; and the
 * rebuilds withdrawals set off (consent_rebuilds), the publisher's record.
 */
export class EditionContentRepository {
  constructor(private readonly db: D1Database) {}

  /** Records what the content `contentHash` of `slug` holds; recording it again changes nothing. */
  async record(slug: string, contentHash: string, items: EditionItem[]): Promise<void> {
    await this.db.batch(
      items.map((item) =>
        this.db
          .prepare('INSERT OR IGNORE INTO edition_contents (book_slug, content_hash, article_id, image_path) VALUES (?, ?, ?, ?)')
          .bind(slug, contentHash, item.articleId, item.image ?? ''),
      ),
    );
  }

  /** Whether the content was recorded (builds requested before consent existed were not). */
  async recorded(slug: string, contentHash: string): Promise<boolean> {
    return !!(await this.db.prepare('SELECT 1 FROM edition_contents WHERE book_slug = ? AND content_hash = ? LIMIT 1').bind(slug, contentHash).first());
  }

  /** Published editions whose content is not recorded yet: what a withdrawal must look into first. */
  async unrecordedPublished(): Promise<{ slug: string; contentHash: string }[]> {
    const rows = await this.db
      .prepare(
        `SELECT b.slug, bu.content_hash AS contentHash FROM books b JOIN builds bu ON bu.id = b.published_build_id
         WHERE NOT EXISTS (SELECT 1 FROM edition_contents e WHERE e.book_slug = b.slug AND e.content_hash = bu.content_hash)`,
      )
      .all<{ slug: string; contentHash: string }>();
    return rows.results;
  }

  /** Content of the build `buildId` of `slug` that consent no longer lets into the book. */
  async withheldIn(slug: string, buildId: string): Promise<WithheldItem[]> {
    const rows = await this.db
      .prepare(
        `SELECT DISTINCT e.article_id, e.image_path, c.id, c.contributor, c.status
         FROM builds bu JOIN edition_contents e ON e.book_slug = bu.book_slug AND e.content_hash = bu.content_hash
         JOIN consent_uses u ON u.article_id = e.article_id AND u.image_path = e.image_path
         JOIN consents c ON c.id = u.consent_id
         WHERE bu.id = ? AND bu.book_slug = ? AND ${WITHHOLDS} ORDER BY e.article_id, e.image_path`,
      )
      .bind(buildId, slug, slug)
      .all<{ article_id: string; image_path: string; id: string; contributor: string; status: ConsentStatus }>();
    return rows.results.map((r) => ({ articleId: r.article_id, image: r.image_path || null, consentId: r.id, contributor: r.contributor, status: r.status }));
  }

  /** Books and bundles on sale whose current edition holds content the consent covers. */
  async publishedWith(consentId: string): Promise<EditionOnSale[]> {
    const rows = await this.db
      .prepare(
        `SELECT DISTINCT b.slug, b.published_build_id AS buildId, bu.content_hash AS contentHash, b.title, b.kind, json_extract(bu.meta, '$.date') AS editionDate, b.published_at AS publishedAt FROM books b JOIN builds bu ON bu.id = b.published_build_id
         JOIN edition_contents e ON e.book_slug = b.slug AND e.content_hash = bu.content_hash
         JOIN consent_uses u ON u.article_id = e.article_id AND u.image_path = e.image_path
         WHERE u.consent_id = ? ORDER BY b.slug`,
      )
      .bind(consentId)
      .all<EditionOnSale>();
    return rows.results;
  }

  /** Notes the rebuild a withdrawal queued for a book (or why it could not be made). */
  async recordRebuild(eventId: number, edition: AffectedEdition, outcome: { buildId: string } | { error: BuildError }): Promise<void> {
    await this.db
      .prepare(
        `INSERT INTO consent_rebuilds (event_id, book_slug, replaced_build_id, build_id, error, queued_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (event_id, book_slug) DO NOTHING`,
      )
      .bind(eventId, edition.slug, edition.buildId, 'buildId' in outcome ? outcome.buildId : null, 'error' in outcome ? JSON.stringify(outcome.error) : null, nowIso())
      .run();
  }

  /** Whether a withdrawal waits for this build to go on sale. */
  async awaitsPublication(buildId: string): Promise<boolean> {
    return !!(await this.db.prepare('SELECT 1 FROM consent_rebuilds WHERE build_id = ? AND published_at IS NULL LIMIT 1').bind(buildId).first());
  }

  /** Marks every withdrawal's rebuild that is this build as on sale from `publishedAt`; or, when it could not go on sale, why. */
  async settle(buildId: string, outcome: { publishedAt: string } | { error: BuildError }): Promise<void> {
    const statement =
      'publishedAt' in outcome
        ? this.db.prepare('UPDATE consent_rebuilds SET published_at = ? WHERE build_id = ? AND published_at IS NULL').bind(outcome.publishedAt, buildId)
        : this.db.prepare('UPDATE consent_rebuilds SET error = ? WHERE build_id = ? AND published_at IS NULL').bind(JSON.stringify(outcome.error), buildId);
    await statement.run();
  }

  /** Every withdrawal, newest first, with the editions it affected and what became of their rebuilds. */
  async withdrawals(): Promise<Withdrawal[]> {
    const [events, rebuilds] = await this.db.batch([
      this.db.prepare(
        `SELECT ev.id AS eventId, ev.consent_id AS consentId, c.contributor, c.role, ev.source, ev.reason, ev.at
         FROM consent_events ev JOIN consents c ON c.id = ev.consent_id WHERE ev.action = 'withdraw' ORDER BY ev.id DESC`,
      ),
      this.db.prepare(
        `SELECT r.event_id, r.book_slug, r.replaced_build_id, r.build_id, r.error, r.queued_at, r.published_at, json_extract(bu.facts, '$.removed') AS removed
         FROM consent_rebuilds r JOIN consent_events ev ON ev.id = r.event_id LEFT JOIN builds bu ON bu.id = r.build_id
         WHERE ev.action = 'withdraw' ORDER BY r.event_id, r.book_slug`,
      ),
    ]);
    const byEvent = new Map<number, ConsentRebuild[]>();
    type Row = { event_id: number; book_slug: string; replaced_build_id: string; build_id: string | null; error: string | null; queued_at: string; published_at: string | null; removed: string | null };
    for (const r of rebuilds.results as Row[]) {
      const list = byEvent.get(r.event_id) ?? [];
      const removed = r.removed ? (JSON.parse(r.removed) as ConsentRebuild['removed']).map(({ article, contributor, role, consent }) => ({ article, contributor, role, consent })) : [];
      list.push({ slug: r.book_slug, replacedBuildId: r.replaced_build_id, buildId: r.build_id, error: r.error ? (JSON.parse(r.error) as BuildError) : null, queuedAt: r.queued_at, publishedAt: r.published_at, removed });
      byEvent.set(r.event_id, list);
    }
    return (events.results as Omit<Withdrawal, 'editions'>[]).map((e) => ({ ...e, editions: byEvent.get(e.eventId) ?? [] }));
  }
}
