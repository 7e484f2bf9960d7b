import { parseArticle } from '../content/article.ts';
import { foldForSearch } from './search-text.ts';
import { base64url, fromBase64url, utf8 } from '../crypto.ts';
import { BinderyError } from '../errors.ts';
import type { StoredAsset } from './assets.ts';
import { nowIso } from './clock.ts';
import { ConsentRepository } from './consents.ts';
import type { ArticleFilters, BundleQuery } from './schemas.ts';

export interface ArticleSummary {
  id: string;
  title: string;
  author: string | null;
  date: string | null;
  lang: string | null;
  tags: string[];
  createdAt: string;
  updatedAt: string;
}

export interface ArticleAsset {
  path: string;
  mediaType: string;
  size: number;
  sha256: string;
}

export interface Article extends ArticleSummary {
  markdown: string;
  assets: ArticleAsset[];
}

/** An article with what a build needs: its text and where its images are in R2. */
export interface ArticleForBuild {
  id: string;
  date: string | null;
  markdown: string;
  assets: { path: string; r2Key: string; sha256: string }[];
}

interface ArticleRow {
  id: string;
  title: string;
  author: string | null;
  date: string | null;
  lang: string | null;
  tags: string;
  markdown: string;
  created_at: string;
  updated_at: string;
}

const SUMMARY_COLUMNS = 'a.id, a.title, a.author, a.date, a.lang, a.tags, a.created_at, a.updated_at';

/** The shared article pool in D1: every SQL statement about articles lives here. */
export class ArticleRepository {
  constructor(private readonly db: D1Database) {}

  /**
   * Creates or replaces an article from Markdown with front matter. Front
   * matter errors surface as BinderyErrors naming the line and field.
   */
  async put(id: string, markdown: string): Promise<{ article: ArticleSummary; created: boolean }> {
    const { meta } = parseArticle(id, markdown);
    const now = nowIso();
    const existing = await this.db.prepare('SELECT created_at FROM articles WHERE id = ?').bind(id).first<{ created_at: string }>();
    const tags = [...new Set(meta.tags)];
    await this.db.batch([
      this.db
        .prepare(
          `INSERT INTO articles (id, title, author, date, lang, tags, markdown, created_at, updated_at, search_title)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)
           ON CONFLICT (id) DO UPDATE SET title = ?2, author = ?3, date = ?4, lang = ?5, tags = ?6, markdown = ?7, updated_at = ?8, search_title = ?9`,
        )
        .bind(id, meta.title, meta.author ?? null, meta.date ?? null, meta.lang ?? null, JSON.stringify(tags), markdown, now, foldForSearch(meta.title)),
      this.db.prepare('DELETE FROM article_tags WHERE article_id = ?').bind(id),
      ...tags.map((tag) => this.db.prepare('INSERT INTO article_tags (article_id, tag) VALUES (?, ?)').bind(id, tag)),
      ...new ConsentRepository(this.db).frontMatterStatements(id, meta),
    ]);
    const article: ArticleSummary = {
      id,
      title: meta.title,
      author: meta.author ?? null,
      date: meta.date ?? null,
      lang: meta.lang ?? null,
      tags,
      createdAt: existing?.created_at ?? now,
      updatedAt: now,
    };
    return { article, created: !existing };
  }

  async get(id: string): Promise<Article> {
    const row = await this.db.prepare(`SELECT ${SUMMARY_COLUMNS}, a.markdown FROM articles a WHERE a.id = ?`).bind(id).first<ArticleRow>();
    if (!row) throw notFound(id);
    const assets = await this.db
      .prepare('SELECT path, media_type AS mediaType, size, sha256 FROM article_assets WHERE article_id = ? ORDER BY path')
      .bind(id)
      .all<ArticleAsset>();
    return { ...summary(row), markdown: row.markdown, assets: assets.results };
  }

  /** Deletes the article and its asset records. Built editions keep their own copies in R2. */
  async delete(id: string): Promise<void> {
    const result = await this.db.prepare('DELETE FROM articles WHERE id = ?').bind(id).run();
    if (!result.meta.changes) throw notFound(id);
  }

  async putAsset(id: string, path: string, asset: StoredAsset): Promise<void> {
    if (!(await this.db.prepare('SELECT 1 FROM articles WHERE id = ?').bind(id).first())) throw notFound(id);
    await this.db
      .prepare(
        `INSERT INTO article_assets (article_id, path, r2_key, media_type, size, sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (article_id, path) DO UPDATE SET r2_key = ?3, media_type = ?4, size = ?5, sha256 = ?6`,
      )
      .bind(id, path, asset.r2Key, asset.mediaType, asset.size, asset.sha256)
      .run();
  }

  /** Lists articles by id, filtered; `nextCursor` continues after the last one. */
  async list(filters: ArticleFilters): Promise<{ items: ArticleSummary[]; nextCursor: string | null }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filters.tag) {
      where.push('EXISTS (SELECT 1 FROM article_tags t WHERE t.article_id = a.id AND t.tag = ?)');
      params.push(filters.tag);
    }
    if (filters.author) {
      where.push('a.author = ?');
      params.push(filters.author);
    }
    if (filters.from) {
      where.push('a.date >= ?');
      params.push(filters.from);
    }
    if (filters.to) {
      where.push('a.date <= ?');
      params.push(filters.to);
    }
    if (filters.q) {
      // instr, not LIKE: D1 caps LIKE patterns at 50 bytes (a 16-character CJK query with its %s), and q needs no escaping.
      // Titles put before search_title existed are folded by lower() (ASCII only).
      where.push('instr(coalesce(a.search_title, lower(a.title)), ?) > 0');
      params.push(foldForSearch(filters.q));
    }
    if (filters.cursor) {
      where.push('a.id > ?');
      params.push(decodeCursor(filters.cursor));
    }
    const sql = `SELECT ${SUMMARY_COLUMNS} FROM articles a ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.id LIMIT ?`;
    const rows = await this.db
      .prepare(sql)
      .bind(...params, filters.limit + 1)
      .all<ArticleRow>();
    const items = rows.results.slice(0, filters.limit).map(summary);
    const more = rows.results.length > filters.limit;
    return { items, nextCursor: more ? encodeCursor(items[items.length - 1].id) : null };
  }

  /**
   * The ids of the articles a bundle query matches: every given criterion
   * must hold. Ordered by date (undated last), then id.
   */
  async match(query: BundleQuery, order: 'date' | 'date-desc' | 'given'): Promise<string[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.articleIds) {
      where.push('a.id IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(query.articleIds));
    }
    if (query.tagsAny) {
      where.push('EXISTS (SELECT 1 FROM article_tags t WHERE t.article_id = a.id AND t.tag IN (SELECT value FROM json_each(?)))');
      params.push(JSON.stringify(query.tagsAny));
    }
    if (query.tagsAll) {
      const tags = [...new Set(query.tagsAll)];
      where.push('(SELECT COUNT(*) FROM article_tags t WHERE t.article_id = a.id AND t.tag IN (SELECT value FROM json_each(?))) = ?');
      params.push(JSON.stringify(tags), tags.length);
    }
    if (query.from) {
      where.push('a.date >= ?');
      params.push(query.from);
    }
    if (query.to) {
      where.push('a.date <= ?');
      params.push(query.to);
    }
    const direction = order === 'date-desc' ? 'DESC' : 'ASC';
    const sql = `SELECT a.id FROM articles a WHERE ${where.join(' AND ')} ORDER BY a.date IS NULL, a.date ${direction}, a.id`;
    const ids = (await this.db.prepare(sql).bind(...params).all<{ id: string }>()).results.map((r) => r.id);
    if (order !== 'given' || !query.articleIds) return ids;
    const found = new Set(ids);
    return query.articleIds.filter((id, i, all) => found.has(id) && all.indexOf(id) === i);
  }

  /** Loads articles with their assets for a build; the map misses ids that do not exist. */
  async forBuild(ids: string[]): Promise<Map<string, ArticleForBuild>> {
    const list = JSON.stringify([...new Set(ids)]);
    const [articles, assets] = await this.db.batch([
      this.db.prepare('SELECT id, date, markdown FROM articles WHERE id IN (SELECT value FROM json_each(?))').bind(list),
      this.db
        .prepare('SELECT article_id, path, r2_key, sha256 FROM article_assets WHERE article_id IN (SELECT value FROM json_each(?)) ORDER BY article_id, path')
        .bind(list),
    ]);
    const byId = new Map<string, ArticleForBuild>();
    for (const row of articles.results as { id: string; date: string | null; markdown: string }[]) {
      byId.set(row.id, { id: row.id, date: row.date, markdown: row.markdown, assets: [] });
    }
    for (const row of assets.results as { article_id: string; path: string; r2_key: string; sha256: string }[]) {
      byId.get(row.article_id)?.assets.push({ path: row.path, r2Key: row.r2_key, sha256: row.sha256 });
    }
    return byId;
  }
}

function summary(row: ArticleRow): ArticleSummary {
  return {
    id: row.id,
    title: row.title,
    author: row.author,
    date: row.date,
    lang: row.lang,
    tags: JSON.parse(row.tags) as string[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function notFound(id: string): BinderyError {
  return new BinderyError('not-found', `article "${id}" not found`, { field: 'id' });
}

function encodeCursor(id: string): string {
  return base64url(utf8(id));
}

function decodeCursor(cursor: string): string {
  const bytes = fromBase64url(cursor);
  if (!bytes) throw new BinderyError('invalid-input', 'cursor is not one this API returned', { field: 'cursor' });
  return new TextDecoder().decode(bytes);
}
