import { BinderyError, type ErrorCode } from '../errors.ts';
import { searchTextOf, type SearchableMeta } from './search-text.ts';
import { nowIso } from './clock.ts';

export type BuildStatus = 'queued' | 'building' | 'ready' | 'failed';

/** How long a consumer holds a build it claimed; every progress update renews it. */
export const LEASE_MS = 10 * 60 * 1000;
/** A queued build that has not started for this long has lost its queue message. */
export const QUEUE_TIMEOUT_MS = 60 * 60 * 1000;

const LAPSED: BuildError = { code: 'internal', message: `the build stopped responding (no progress for ${LEASE_MS / 60_000} minutes); request it again` };
/** SQL for when a building build's lease lapses; a build claimed before leases existed counts from its last update. */
const LEASE_END = `coalesce(lease_expires_at, strftime('%Y-%m-%dT%H:%M:%fZ', updated_at, '+${LEASE_MS / 1000} seconds'))`;

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
  /** Until when the consumer building it is taken to be alive. */
  leaseExpiresAt: string | null;
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
  lease_expires_at: string | null;
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

  /**
   * Moves a queued build to building and leases it to the caller for LEASE_MS.
   * A build already building is claimed again: only its own queue message
   * targets it, so that is a retry after the previous attempt died. Null when
   * the build is finished or unknown.
   */
  async claim(id: string): Promise<BuildRecord | null> {
    const now = Date.now();
    const row = await this.db
      .prepare(
        `UPDATE builds SET status = 'building', lease_expires_at = ?, attempts = attempts + 1, updated_at = ?
         WHERE id = ? AND status IN ('queued', 'building') RETURNING *`,
      )
      .bind(leaseFrom(now), new Date(now).toISOString(), id)
      .first<BuildRow>();
    return row ? record(row) : null;
  }

  /** Records progress and renews the lease: a consumer that reports is alive. */
  async setProgress(id: string, progress: number): Promise<void> {
    const now = Date.now();
    await this.db
      .prepare("UPDATE builds SET progress = ?, lease_expires_at = ?, updated_at = ? WHERE id = ? AND status = 'building'")
      .bind(Math.round(progress * 1000) / 1000, leaseFrom(now), new Date(now).toISOString(), id)
      .run();
  }

  /** Keeps why an attempt failed, for the dead-letter handler to report if the queue gives up on the build. */
  async noteFailedAttempt(id: string, error: string): Promise<void> {
    await this.db.prepare("UPDATE builds SET last_error = ? WHERE id = ? AND status = 'building'").bind(error, id).run();
  }

  /** Records the files (already in R2) and marks the build ready, in one batch. Replays are harmless. */
  async complete(id: string, files: BuildFile[], facts: unknown, meta: SearchableMeta): Promise<void> {
    await this.db.batch([
      ...files.map((f) =>
        this.db
          .prepare('INSERT OR REPLACE INTO build_files (build_id, format, r2_key, size, sha256, pages) VALUES (?, ?, ?, ?, ?, ?)')
          .bind(id, f.format, f.r2Key, f.size, f.sha256, f.pages),
      ),
      this.db
        .prepare("UPDATE builds SET status = 'ready', progress = 1, error = NULL, facts = ?, meta = ?, search_text = ?, updated_at = ? WHERE id = ? AND status = 'building'")
        .bind(JSON.stringify(facts), JSON.stringify(meta), searchTextOf(meta), nowIso(), id),
    ]);
  }

  async fail(id: string, error: BuildError): Promise<void> {
    await this.db
      .prepare("UPDATE builds SET status = 'failed', error = ?, updated_at = ? WHERE id = ? AND status IN ('queued', 'building')")
      .bind(JSON.stringify(error), nowIso(), id)
      .run();
  }

  /** Fails the build if it is building on a lapsed lease (its consumer died); true when it did. */
  async failIfLapsed(id: string): Promise<boolean> {
    const now = nowIso();
    const result = await this.db
      .prepare(`UPDATE builds SET status = 'failed', error = ?1, updated_at = ?2 WHERE id = ?3 AND status = 'building' AND ${LEASE_END} < ?2`)
      .bind(JSON.stringify(LAPSED), now, id)
      .run();
    return result.meta.changes > 0;
  }

  /**
   * Fails what will never finish: builds on a lapsed lease, and queued builds
   * older than QUEUE_TIMEOUT_MS (their message is lost). Returns their ids.
   */
  async failStale(now = Date.now()): Promise<string[]> {
    const at = new Date(now).toISOString();
    const queued: BuildError = { code: 'internal', message: 'the build never left the queue (timed out); request it again' };
    const [lapsed, lost] = await this.db.batch<{ id: string }>([
      this.db
        .prepare(`UPDATE builds SET status = 'failed', error = ?1, updated_at = ?2 WHERE status = 'building' AND ${LEASE_END} < ?2 RETURNING id`)
        .bind(JSON.stringify(LAPSED), at),
      this.db
        .prepare("UPDATE builds SET status = 'failed', error = ?, updated_at = ? WHERE status = 'queued' AND updated_at < ? RETURNING id")
        .bind(JSON.stringify(queued), at, new Date(now - QUEUE_TIMEOUT_MS).toISOString()),
    ]);
    return [...lapsed.results, ...lost.results].map((r) => r.id);
  }

  /**
   * Fails a build the queue gave up on (its message reached the dead-letter
   * queue), saying how many attempts started and the last error one reported.
   */
  async failGivenUp(id: string): Promise<void> {
    const row = await this.db.prepare('SELECT attempts, last_error FROM builds WHERE id = ?').bind(id).first<{ attempts: number; last_error: string | null }>();
    if (!row) return;
    const times = `${row.attempts} time${row.attempts === 1 ? '' : 's'}`;
    const why = row.last_error ?? 'the worker stopped without reporting an error';
    await this.fail(id, { code: 'internal', message: `the build failed ${times}: ${why}` });
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
    leaseExpiresAt: row.lease_expires_at,
  };
}

function leaseFrom(now: number): string {
  return new Date(now + LEASE_MS).toISOString();
}
