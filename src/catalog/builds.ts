import { BinderyError, type ErrorCode } from '../errors.ts';
import { nowIso } from './clock.ts';

export type BuildStatus = 'queued' | 'building' | 'ready' | 'failed';

/** Why a build failed, pointing at the article and line when the content is at fault. */
export interface BuildError {
  code: ErrorCode;
  message: string;
  file?: string;
  line?: number;
  field?: string;
}

export interface BuildFile {
  format: string;
  r2Key: string;
  size: number;
  sha256: string;
  pages: number | null;
}

export interface BuildRecord {
  id: string;
  bookSlug: string;
  contentHash: string;
  status: BuildStatus;
  progress: number;
  error: BuildError | null;
  createdAt: string;
  updatedAt: string;
}

export interface BuildDetail extends BuildRecord {
  files: BuildFile[];
}

interface BuildRow {
  id: string;
  book_slug: string;
  content_hash: string;
  status: BuildStatus;
  progress: number;
  error: string | null;
  created_at: string;
  updated_at: string;
}

/** Builds and their files in D1. Status only moves forward: queued → building → ready | failed. */
export class BuildRepository {
  constructor(private readonly db: D1Database) {}

  async get(id: string): Promise<BuildDetail> {
    const row = await this.db.prepare('SELECT * FROM builds WHERE id = ?').bind(id).first<BuildRow>();
    if (!row) throw new BinderyError('not-found', `build "${id}" not found`, { field: 'id' });
    const files = await this.db
      .prepare('SELECT format, r2_key AS r2Key, size, sha256, pages FROM build_files WHERE build_id = ? ORDER BY format')
      .bind(id)
      .all<BuildFile>();
    return { ...record(row), files: files.results };
  }

  /** The queued, building or ready build of this content, if any: the same content is never built twice. */
  async findLive(slug: string, contentHash: string): Promise<BuildRecord | null> {
    const row = await this.db
      .prepare("SELECT * FROM builds WHERE book_slug = ? AND content_hash = ? AND status <> 'failed'")
      .bind(slug, contentHash)
      .first<BuildRow>();
    return row ? record(row) : null;
  }

  async listForBook(slug: string): Promise<BuildRecord[]> {
    const rows = await this.db.prepare('SELECT * FROM builds WHERE book_slug = ? ORDER BY created_at DESC, id').bind(slug).all<BuildRow>();
    return rows.results.map(record);
  }

  /**
   * Inserts a queued build unless a live one of the same content exists
   * (the partial unique index decides races); returns the build that stands.
   */
  async enqueue(id: string, slug: string, contentHash: string): Promise<{ build: BuildRecord; created: boolean }> {
    const now = nowIso();
    const inserted = await this.db
      .prepare(
        `INSERT INTO builds (id, book_slug, content_hash, status, progress, created_at, updated_at)
         VALUES (?1, ?2, ?3, 'queued', 0, ?4, ?4) ON CONFLICT DO NOTHING`,
      )
      .bind(id, slug, contentHash, now)
      .run();
    const build = await this.findLive(slug, contentHash);
    if (!build) throw new BinderyError('internal', `build of "${slug}" vanished while queuing`);
    return { build, created: inserted.meta.changes > 0 };
  }

  /** Records a build that failed before it could be queued (bad content). */
  async insertFailed(id: string, slug: string, contentHash: string, error: BuildError): Promise<BuildRecord> {
    const now = nowIso();
    await this.db
      .prepare(
        `INSERT INTO builds (id, book_slug, content_hash, status, progress, error, created_at, updated_at)
         VALUES (?1, ?2, ?3, 'failed', 0, ?4, ?5, ?5)`,
      )
      .bind(id, slug, contentHash, JSON.stringify(error), now)
      .run();
    return { id, bookSlug: slug, contentHash, status: 'failed', progress: 0, error, createdAt: now, updatedAt: now };
  }

  /** Moves a queued (or retried, still building) build to building; null when it is already finished or unknown. */
  async claim(id: string): Promise<BuildRecord | null> {
    const row = await this.db
      .prepare("UPDATE builds SET status = 'building', updated_at = ? WHERE id = ? AND status IN ('queued', 'building') RETURNING *")
      .bind(nowIso(), id)
      .first<BuildRow>();
    return row ? record(row) : null;
  }

  async setProgress(id: string, progress: number): Promise<void> {
    await this.db
      .prepare("UPDATE builds SET progress = ?, updated_at = ? WHERE id = ? AND status = 'building'")
      .bind(Math.round(progress * 1000) / 1000, nowIso(), id)
      .run();
  }

  /** Records the files (already in R2) and marks the build ready, in one batch. Replays are harmless. */
  async complete(id: string, files: BuildFile[], facts: unknown, meta: unknown): Promise<void> {
    await this.db.batch([
      ...files.map((f) =>
        this.db
          .prepare('INSERT OR REPLACE INTO build_files (build_id, format, r2_key, size, sha256, pages) VALUES (?, ?, ?, ?, ?, ?)')
          .bind(id, f.format, f.r2Key, f.size, f.sha256, f.pages),
      ),
      this.db
        .prepare("UPDATE builds SET status = 'ready', progress = 1, error = NULL, facts = ?, meta = ?, updated_at = ? WHERE id = ? AND status = 'building'")
        .bind(JSON.stringify(facts), JSON.stringify(meta), nowIso(), id),
    ]);
  }

  async fail(id: string, error: BuildError): Promise<void> {
    await this.db
      .prepare("UPDATE builds SET status = 'failed', error = ?, updated_at = ? WHERE id = ? AND status IN ('queued', 'building')")
      .bind(JSON.stringify(error), nowIso(), id)
      .run();
  }

  /** Marks builds that have not moved since `before` as failed (their worker died); returns their ids. */
  async failStale(before: string): Promise<string[]> {
    const error: BuildError = { code: 'internal', message: 'the build stopped without finishing (timed out); request it again' };
    const rows = await this.db
      .prepare("UPDATE builds SET status = 'failed', error = ?, updated_at = ? WHERE status IN ('queued', 'building') AND updated_at < ? RETURNING id")
      .bind(JSON.stringify(error), nowIso(), before)
      .all<{ id: string }>();
    return rows.results.map((r) => r.id);
  }

  /** Failed builds whose R2 objects may be removed: no live build shares their content address. */
  async purgeable(limit: number): Promise<{ id: string; bookSlug: string; contentHash: string }[]> {
    const rows = await this.db
      .prepare(
        `SELECT b.id, b.book_slug AS bookSlug, b.content_hash AS contentHash FROM builds b
         WHERE b.status = 'failed' AND b.purged_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM builds l WHERE l.book_slug = b.book_slug AND l.content_hash = b.content_hash AND l.status <> 'failed')
         ORDER BY b.updated_at LIMIT ?`,
      )
      .bind(limit)
      .all<{ id: string; bookSlug: string; contentHash: string }>();
    return rows.results;
  }

  async markPurged(id: string): Promise<void> {
    await this.db.prepare('UPDATE builds SET purged_at = ? WHERE id = ?').bind(nowIso(), id).run();
  }
}

function record(row: BuildRow): BuildRecord {
  return {
    id: row.id,
    bookSlug: row.book_slug,
    contentHash: row.content_hash,
    status: row.status,
    progress: row.progress,
    error: row.error ? (JSON.parse(row.error) as BuildError) : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
