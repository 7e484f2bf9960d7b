import { BinderyError } from '../errors.ts';
import type { StoredAsset } from './assets.ts';
import { nowIso } from './clock.ts';
import { EditionRepository } from './editions.ts';
import type { ApiManifest, Bundle } from './schemas.ts';

export type BookDefinition = { kind: 'book'; manifest: ApiManifest } | { kind: 'bundle'; manifest: Bundle };

export interface BookSummary {
  slug: string;
  kind: 'book' | 'bundle';
  title: string;
  publishedBuildId: string | null;
  publishedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Publication {
  buildId: string;
  publishedAt: string;
}

export interface Book extends BookSummary {
  manifest: ApiManifest | Bundle;
  assets: { path: string; mediaType: string; size: number; sha256: string }[];
  publications: Publication[];
}

interface BookRow {
  slug: string;
  kind: 'book' | 'bundle';
  title: string;
  manifest: string;
  published_build_id: string | null;
  published_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Books and topic bundles in D1, their own files (cover) and their publication history. */
export class BookRepository {
  constructor(private readonly db: D1Database) {}

  /** Creates or replaces a book or bundle definition. Publication state is kept. */
  async put(slug: string, definition: BookDefinition): Promise<{ book: BookSummary; created: boolean }> {
    const existing = await this.row(slug);
    if (existing && existing.kind !== definition.kind) {
      throw new BinderyError('conflict', `"${slug}" is a ${existing.kind}; delete it or choose another slug`, { field: 'slug' });
    }
    const now = nowIso();
    await this.db
      .prepare(
        `INSERT INTO books (slug, kind, manifest, title, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)
         ON CONFLICT (slug) DO UPDATE SET manifest = ?3, title = ?4, updated_at = ?5`,
      )
      .bind(slug, definition.kind, JSON.stringify(definition.manifest), definition.manifest.title, now)
      .run();
    const book: BookSummary = {
      slug,
      kind: definition.kind,
      title: definition.manifest.title,
      publishedBuildId: existing?.published_build_id ?? null,
      publishedAt: existing?.published_at ?? null,
      createdAt: existing?.created_at ?? now,
      updatedAt: now,
    };
    return { book, created: !existing };
  }

  async definition(slug: string): Promise<BookDefinition> {
    const row = await this.row(slug);
    if (!row) throw notFound(slug);
    return { kind: row.kind, manifest: JSON.parse(row.manifest) } as BookDefinition;
  }

  async get(slug: string): Promise<Book> {
    const row = await this.row(slug);
    if (!row) throw notFound(slug);
    const [assets, publications] = await Promise.all([
      this.db.prepare('SELECT path, media_type AS mediaType, size, sha256 FROM book_assets WHERE book_slug = ? ORDER BY path').bind(slug).all<Book['assets'][number]>(),
      new EditionRepository(this.db).publications(slug),
    ]);
    return {
      ...summary(row),
      manifest: JSON.parse(row.manifest),
      assets: assets.results,
      publications: publications.map(({ buildId, publishedAt }) => ({ buildId, publishedAt })),
    };
  }

  /** Every book and bundle, published or not: the editor's view. */
  async list(): Promise<BookSummary[]> {
    const rows = await this.db.prepare('SELECT * FROM books ORDER BY slug').all<BookRow>();
    return rows.results.map(summary);
  }

  async putAsset(slug: string, path: string, asset: StoredAsset): Promise<void> {
    if (!(await this.row(slug))) throw notFound(slug);
    await this.db
      .prepare(
        `INSERT INTO book_assets (book_slug, path, r2_key, media_type, size, sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (book_slug, path) DO UPDATE SET r2_key = ?3, media_type = ?4, size = ?5, sha256 = ?6`,
      )
      .bind(slug, path, asset.r2Key, asset.mediaType, asset.size, asset.sha256)
      .run();
  }

  async assetsForBuild(slug: string): Promise<{ path: string; r2Key: string; sha256: string }[]> {
    const rows = await this.db
      .prepare('SELECT path, r2_key AS r2Key, sha256 FROM book_assets WHERE book_slug = ? ORDER BY path')
      .bind(slug)
      .all<{ path: string; r2Key: string; sha256: string }>();
    return rows.results;
  }

  /**
   * Makes a ready build the edition on sale and records it in the history.
   * Rolling back is publishing an earlier build again.
   */
  async publish(slug: string, buildId: string): Promise<Publication> {
    if (!(await this.row(slug))) throw notFound(slug);
    const build = await this.db
      .prepare('SELECT status FROM builds WHERE id = ? AND book_slug = ?')
      .bind(buildId, slug)
      .first<{ status: string }>();
    if (!build) throw new BinderyError('not-found', `build "${buildId}" of "${slug}" not found`, { field: 'buildId' });
    if (build.status !== 'ready') {
      throw new BinderyError('conflict', `build "${buildId}" is ${build.status}; only ready builds can be published`, { field: 'buildId' });
    }
    const publishedAt = nowIso();
    await this.db.batch([
      this.db.prepare('UPDATE books SET published_build_id = ?, published_at = ? WHERE slug = ?').bind(buildId, publishedAt, slug),
      this.db.prepare('INSERT INTO publications (book_slug, build_id, published_at) VALUES (?, ?, ?)').bind(slug, buildId, publishedAt),
    ]);
    return { buildId, publishedAt };
  }

  private row(slug: string): Promise<BookRow | null> {
    return this.db.prepare('SELECT * FROM books WHERE slug = ?').bind(slug).first<BookRow>();
  }
}

function summary(row: BookRow): BookSummary {
  return {
    slug: row.slug,
    kind: row.kind,
    title: row.title,
    publishedBuildId: row.published_build_id,
    publishedAt: row.published_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function notFound(slug: string): BinderyError {
  return new BinderyError('not-found', `book "${slug}" not found`, { field: 'slug' });
}
