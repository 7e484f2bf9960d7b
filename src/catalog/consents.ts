import { contributions, imageKey } from '../content/contributors.ts';
import type { FrontMatter } from '../content/manifest.ts';
import { BinderyError } from '../errors.ts';
import { newId, nowIso } from './clock.ts';
import type { ConsentInput } from './consent-schemas.ts';

export type ConsentStatus = 'granted' | 'withdrawn';
export type ConsentLanguage = 'en' | 'zh-Hant';

export interface ConsentRecord {
  id: string;
  contributor: string;
  role: string;
  email: string | null;
  language: ConsentLanguage;
  /** `all`: every book and bundle; `book`: only `scopeBook`. */
  scope: 'book' | 'all';
  scopeBook: string | null;
  status: ConsentStatus;
  grantedAt: string;
  grantedBy: string;
  updatedAt: string;
}

/** One thing a consent covers: an article's text (`image` null) or one of its images. */
export interface ConsentUse {
  articleId: string;
  /** Null for the article's text; the image path as the article references it otherwise. */
  image: string | null;
  /** The article's title; null when the article has left the pool. */
  title: string | null;
  origin: 'record' | 'front-matter';
}

export interface ConsentEvent {
  id: number;
  action: 'grant' | 'withdraw' | 'regrant';
  source: string;
  reason: string | null;
  at: string;
}

/** Content a build of some book may not contain, and why: whose consent is withdrawn or does not reach this book. */
export interface WithheldUse {
  articleId: string;
  image: string | null;
  consentId: string;
  contributor: string;
  role: string;
  status: ConsentStatus;
}

interface ConsentRow {
  id: string;
  contributor: string;
  role: string;
  email: string | null;
  language: ConsentLanguage;
  scope: 'book' | 'all';
  scope_book: string | null;
  status: ConsentStatus;
  granted_at: string;
  granted_by: string;
  updated_at: string;
}

/** Whether a consent row does not let its content into book `?` (SQL over `c`, one parameter). */
export const WITHHOLDS = `(c.status = 'withdrawn' OR (c.scope = 'book' AND c.scope_book <> ?))`;

/**
 * Consent records, what they cover, and their log of grants and
 * withdrawals: every SQL statement about consent lives here. Records are
 * never deleted; an editor withdraws on the contributor's behalf instead.
 */
export class ConsentRepository {
  constructor(private readonly db: D1Database) {}

  /** Records a consent as granted now by `grantedBy`, with the articles and images it covers. */
  async create(input: ConsentInput, grantedBy: string): Promise<ConsentRecord> {
    const id = newId('cns');
    const now = nowIso();
    const named = [...new Set([...input.articles, ...input.images.map((i) => i.article)])];
    const known = await this.db.prepare('SELECT id FROM articles WHERE id IN (SELECT value FROM json_each(?))').bind(JSON.stringify(named)).all<{ id: string }>();
    const missing = named.filter((a) => !known.results.some((r) => r.id === a));
    if (missing.length) throw new BinderyError('not-found', `article "${missing[0]}" not found in the pool`, { field: 'articles' });
    const uses = [...input.articles.map((articleId) => ({ articleId, image: '' })), ...input.images.map((i) => ({ articleId: i.article, image: imageKey(i.path) }))];
    await this.db.batch([
      this.db
        .prepare(
          `INSERT INTO consents (id, contributor, role, email, language, scope, scope_book, status, granted_at, granted_by, updated_at)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'granted', ?8, ?9, ?8)`,
        )
        .bind(id, input.contributor, input.role, input.email ?? null, input.language, input.scope, input.book ?? null, now, grantedBy),
      ...uses.map((u) =>
        this.db.prepare("INSERT OR IGNORE INTO consent_uses (consent_id, article_id, image_path, origin) VALUES (?, ?, ?, 'record')").bind(id, u.articleId, u.image),
      ),
      this.db.prepare('INSERT INTO consent_events (consent_id, action, source, reason, at) VALUES (?, ?, ?, ?, ?)').bind(id, 'grant', `editor: ${grantedBy}`, null, now),
    ]);
    return this.get(id);
  }

  async get(id: string): Promise<ConsentRecord> {
    const row = await this.db.prepare('SELECT * FROM consents WHERE id = ?').bind(id).first<ConsentRow>();
    if (!row) throw new BinderyError('not-found', `consent "${id}" not found`, { field: 'id' });
    return record(row);
  }

  /** Records covering an article (its text or any of its images), newest first; every record without a filter. */
  async list(filter: { article?: string }): Promise<ConsentRecord[]> {
    const rows = filter.article
      ? await this.db
          .prepare('SELECT c.* FROM consents c WHERE c.id IN (SELECT consent_id FROM consent_uses WHERE article_id = ?) ORDER BY c.granted_at DESC, c.id')
          .bind(filter.article)
          .all<ConsentRow>()
      : await this.db.prepare('SELECT * FROM consents ORDER BY granted_at DESC, id').all<ConsentRow>();
    return rows.results.map(record);
  }

  /** What a consent covers, articles by id, each text before its images. */
  async uses(id: string): Promise<ConsentUse[]> {
    const rows = await this.db
      .prepare(
        `SELECT u.article_id, u.image_path, MIN(u.origin) AS origin, a.title FROM consent_uses u LEFT JOIN articles a ON a.id = u.article_id
         WHERE u.consent_id = ? GROUP BY u.article_id, u.image_path ORDER BY u.article_id, u.image_path`,
      )
      .bind(id)
      .all<{ article_id: string; image_path: string; origin: ConsentUse['origin']; title: string | null }>();
    return rows.results.map((r) => ({ articleId: r.article_id, image: r.image_path || null, title: r.title, origin: r.origin }));
  }

  async events(id: string): Promise<ConsentEvent[]> {
    const rows = await this.db.prepare('SELECT id, action, source, reason, at FROM consent_events WHERE consent_id = ? ORDER BY id').bind(id).all<ConsentEvent>();
    return rows.results;
  }

  /**
   * Withdraws a granted consent, logging when, through what and why; returns
   * the log entry, or null when it was already withdrawn (nothing changes).
   */
  async withdraw(id: string, source: string, reason: string | null): Promise<ConsentEvent | null> {
    return this.change(id, 'granted', 'withdrawn', 'withdraw', source, reason);
  }

  /** Grants a withdrawn consent again; null when it was already granted. */
  async regrant(id: string, source: string): Promise<ConsentEvent | null> {
    return this.change(id, 'withdrawn', 'granted', 'regrant', source, null);
  }

  /**
   * The statements that make an article's declared contributors its
   * front-matter uses: run in the batch that saves the article, so the two
   * never disagree.
   */
  frontMatterStatements(articleId: string, meta: Pick<FrontMatter, 'contributors' | 'images'>): D1PreparedStatement[] {
    const uses = contributions(meta).flatMap(({ contributor, images }) =>
      contributor.consent ? (images.length ? images : ['']).map((image) => ({ consentId: contributor.consent!, image })) : [],
    );
    return [
      this.db.prepare("DELETE FROM consent_uses WHERE article_id = ? AND origin = 'front-matter'").bind(articleId),
      ...uses.map((u) =>
        this.db.prepare("INSERT OR IGNORE INTO consent_uses (consent_id, article_id, image_path, origin) VALUES (?, ?, ?, 'front-matter')").bind(u.consentId, articleId, u.image),
      ),
    ];
  }

  /**
   * What of these articles a build of `slug` must leave out: content whose
   * consent is withdrawn, or granted for another book only. A front matter
   * reference to a consent id that has no record withholds nothing here
   * (`consent: required` books are checked for references, not records).
   */
  async withheld(slug: string, articleIds: string[]): Promise<WithheldUse[]> {
    const rows = await this.db
      .prepare(
        `SELECT DISTINCT u.article_id, u.image_path, c.id, c.contributor, c.role, c.status FROM consent_uses u JOIN consents c ON c.id = u.consent_id
         WHERE u.article_id IN (SELECT value FROM json_each(?)) AND ${WITHHOLDS} ORDER BY u.article_id, u.image_path, c.id`,
      )
      .bind(JSON.stringify([...new Set(articleIds)]), slug)
      .all<{ article_id: string; image_path: string; id: string; contributor: string; role: string; status: ConsentStatus }>();
    return rows.results.map((r) => ({ articleId: r.article_id, image: r.image_path || null, consentId: r.id, contributor: r.contributor, role: r.role, status: r.status }));
  }

  /** Consent ids these articles' front matter names that have no record (a typo, or a record from another deployment). */
  async unknownReferences(articleIds: string[]): Promise<{ articleId: string; consentId: string }[]> {
    const rows = await this.db
      .prepare(
        `SELECT DISTINCT u.article_id, u.consent_id FROM consent_uses u WHERE u.origin = 'front-matter'
         AND u.article_id IN (SELECT value FROM json_each(?)) AND NOT EXISTS (SELECT 1 FROM consents c WHERE c.id = u.consent_id) ORDER BY u.article_id, u.consent_id`,
      )
      .bind(JSON.stringify([...new Set(articleIds)]))
      .all<{ article_id: string; consent_id: string }>();
    return rows.results.map((r) => ({ articleId: r.article_id, consentId: r.consent_id }));
  }

  private async change(id: string, from: ConsentStatus, to: ConsentStatus, action: ConsentEvent['action'], source: string, reason: string | null): Promise<ConsentEvent | null> {
    const at = nowIso();
    const [updated, logged] = await this.db.batch<{ id: number }>([
      this.db.prepare('UPDATE consents SET status = ?, updated_at = ? WHERE id = ? AND status = ? RETURNING id').bind(to, at, id, from),
      // Logged only when the status moved: the same batch sees the update's effect.
      this.db
        .prepare(`INSERT INTO consent_events (consent_id, action, source, reason, at) SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM consents WHERE id = ?1 AND status = ?6 AND updated_at = ?5) RETURNING id`)
        .bind(id, action, source, reason, at, to),
    ]);
    if (!updated.results.length) {
      await this.get(id); // not found → 404
      return null;
    }
    return { id: logged.results[0].id, action, source, reason, at };
  }
}

function record(row: ConsentRow): ConsentRecord {
  return {
    id: row.id,
    contributor: row.contributor,
    role: row.role,
    email: row.email,
    language: row.language,
    scope: row.scope,
    scopeBook: row.scope_book,
    status: row.status,
    grantedAt: row.granted_at,
    grantedBy: row.granted_by,
    updatedAt: row.updated_at,
  };
}
