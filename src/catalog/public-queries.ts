import { z } from 'zod';
import { foldForSearch } from './search-text.ts';
import { normalizePath } from '../content/source.ts';
import { base64url, fromBase64url, utf8 } from '../crypto.ts';
import { BinderyError } from '../errors.ts';
import type { TocEntry } from '../pipeline/build.ts';
import type { TdmReservation } from '../tdm.ts';
import { EditionRepository, editionMetaSchema, SELECT_PUBLISHED_BOOKS, snapshotKey, toPublishedBook, type PublicationRecord, type PublishedBook, type PublishedBookRow } from './editions.ts';

/**
 * Read-only queries behind the public catalog: only published editions, as
 * their build recorded them (`builds.meta`, `builds.facts`, `build_files`).
 * Editing a book changes nothing here until a new build is published.
 */

const headingSchema = z.object({ id: z.string(), level: z.number(), text: z.string() });
const storedFactsSchema = z.object({
  characters: z.number().optional(),
  chapters: z.array(z.object({ id: z.string(), title: z.string(), part: z.string().optional(), headings: z.array(headingSchema).default([]) })),
});

export interface PublishedBookDetail extends PublishedBook {
  chapters: TocEntry[];
  /** Every publish of this book, newest first. */
  history: PublicationRecord[];
}

export interface CatalogFilters {
  tag?: string;
  /** A language tag; `zh` matches `zh-Hant`. */
  lang?: string;
  /** Text searched in titles, subtitles, authors and descriptions (substring, so it works for Chinese). */
  q?: string;
}

export interface CatalogPage {
  items: PublishedBook[];
  /** Opaque cursor for the next page; null on the last page. */
  next: string | null;
}

/** Keyset pagination over (published_at, slug), newest first: stable while books are published in between. */
const cursorSchema = z.tuple([z.string(), z.string()]);

export function encodeCursor(publishedAt: string, slug: string): string {
  return base64url(utf8(JSON.stringify([publishedAt, slug])));
}

export function decodeCursor(cursor: string): [string, string] {
  const bytes = fromBase64url(cursor);
  try {
    if (bytes) return cursorSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
  } catch {
    // Not JSON, or not the pair this API writes: the same answer as undecodable text.
  }
  throw new BinderyError('invalid-input', 'cursor is not one this API returned', { field: 'cursor' });
}

export class PublicCatalog {
  constructor(private readonly db: D1Database) {}

  /** Published books, newest publication first, `limit` at a time. */
  async list(filters: CatalogFilters, limit: number, cursor?: string): Promise<CatalogPage> {
    const where: string[] = [];
    const binds: unknown[] = [];
    const bind = (value: unknown) => {
      binds.push(value);
      return `?${binds.length}`;
    };
    if (cursor) {
      const [at, slug] = decodeCursor(cursor);
      const a = bind(at);
      where.push(`(b.published_at < ${a} OR (b.published_at = ${a} AND b.slug < ${bind(slug)}))`);
    }
    if (filters.tag) where.push(`EXISTS (SELECT 1 FROM json_each(bu.meta, '$.tags') t WHERE t.value = ${bind(filters.tag)})`);
    if (filters.lang) {
      const l = bind(filters.lang.toLowerCase());
      where.push(`(lower(json_extract(bu.meta, '$.language')) = ${l} OR lower(json_extract(bu.meta, '$.language')) LIKE ${l} || '-%')`);
    }
    if (filters.q) {
      // Editions built before search_text existed have only their metadata, folded by lower() (ASCII).
      const searchable = `coalesce(bu.search_text, lower(coalesce(json_extract(bu.meta, '$.title'), '') || ' ' || coalesce(json_extract(bu.meta, '$.subtitle'), '') || ' ' ||
        coalesce(json_extract(bu.meta, '$.description'), '') || ' ' || coalesce(json_extract(bu.meta, '$.authors'), '')))`;
      // instr, not LIKE: no wildcards to escape, and it matches any substring of CJK text.
      where.push(`instr(${searchable}, ${bind(foldForSearch(filters.q))}) > 0`);
    }
    const sql = `${SELECT_PUBLISHED_BOOKS} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY b.published_at DESC, b.slug DESC LIMIT ${bind(limit + 1)}`;
    const rows = await this.db
      .prepare(sql)
      .bind(...binds)
      .all<PublishedBookRow>();
    const items = rows.results.slice(0, limit).map(toPublishedBook);
    const last = items[items.length - 1];
    return { items, next: rows.results.length > limit && last ? encodeCursor(last.publishedAt, last.slug) : null };
  }

  /** How many books are on sale, for OPDS feed metadata. */
  async count(): Promise<number> {
    const row = await this.db.prepare('SELECT count(*) AS n FROM books WHERE published_build_id IS NOT NULL').first<{ n: number }>();
    return row?.n ?? 0;
  }

  /** Every tag of a published book with how many books carry it, most used first. */
  async tags(): Promise<{ tag: string; books: number }[]> {
    const rows = await this.db
      .prepare(
        `SELECT t.value AS tag, count(*) AS books FROM books b JOIN builds bu ON bu.id = b.published_build_id, json_each(bu.meta, '$.tags') t
         GROUP BY t.value ORDER BY books DESC, tag`,
      )
      .all<{ tag: string; books: number }>();
    return rows.results;
  }

  /** Each published book's TDM reservation, for `/.well-known/tdmrep.json`. */
  async tdmReservations(): Promise<{ slug: string; tdm: TdmReservation }[]> {
    const rows = await this.db
      .prepare(`SELECT b.slug, json_extract(bu.meta, '$.tdm') AS tdm FROM books b JOIN builds bu ON bu.id = b.published_build_id ORDER BY b.slug`)
      .all<{ slug: string; tdm: string | null }>();
    return rows.results.map((r) => ({ slug: r.slug, tdm: editionMetaSchema.shape.tdm.parse(r.tdm === null ? undefined : JSON.parse(r.tdm)) }));
  }

  /** A published book's edition; not-found for unknown or unpublished slugs. */
  async edition(slug: string): Promise<PublishedBook> {
    const book = await new EditionRepository(this.db).published(slug);
    if (!book) throw new BinderyError('not-found', `no published book "${slug}"`, { field: 'slug' });
    return book;
  }

  /** A published book with its table of contents and edition history; not-found for unknown or unpublished slugs. */
  async get(slug: string): Promise<PublishedBookDetail> {
    const book = await this.edition(slug);
    const [facts, history] = await Promise.all([
      this.db.prepare('SELECT facts FROM builds WHERE id = ?').bind(book.buildId).first<{ facts: string }>(),
      new EditionRepository(this.db).publications(slug),
    ]);
    return { ...book, chapters: storedFactsSchema.parse(JSON.parse(facts!.facts)).chapters, history };
  }
}

/**
 * Where the cover image of an edition sits in R2: the cover asset frozen in
 * the build's input snapshot. Null when the book has no cover image.
 */
export async function coverKey(bucket: R2Bucket, book: PublishedBook): Promise<string | null> {
  if (!book.meta.cover) return null;
  const snapshot = await bucket.get(snapshotKey(book.slug, book.contentHash));
  if (!snapshot) return null;
  const parsed = z
    .object({ assets: z.array(z.object({ path: z.string(), r2Key: z.string() })) })
    .safeParse(await snapshot.json());
  if (!parsed.success) return null;
  const path = normalizePath(book.meta.cover);
  return parsed.data.assets.find((a) => a.path === path)?.r2Key ?? null;
}
