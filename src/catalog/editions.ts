import { z } from 'zod';
import { FORMAT_REGISTRY, FORMATS, type Format } from '../formats/registry.ts';
import { ACCESS_MODES, ACCESSIBILITY_FEATURES, ACCESSIBILITY_HAZARDS, PAGE_SIZES } from '../content/manifest.ts';
import { accessibilityOf, type Accessibility } from '../document/accessibility.ts';
import type { BookDocument, BookMeta } from '../document/model.ts';
import { DEFAULT_TDM, tdmReservationSchema } from '../tdm.ts';
import type { BuildFile } from './builds.ts';

/**
 * The R2 layout of editions. Every key under an edition's folder is named by
 * the content hash, so a finished edition is never overwritten by other bytes.
 */
export const editionPrefix = (slug: string, contentHash: string) => `editions/${slug}/${contentHash}/`;

/** The build input, kept with the edition so it can be rebuilt and audited. */
export const snapshotKey = (slug: string, contentHash: string) => `${editionPrefix(slug, contentHash)}source.json`;

export const editionFileKey = (slug: string, contentHash: string, format: Format, sample: boolean) =>
  `${editionPrefix(slug, contentHash)}${slug}${sample ? '-sample' : ''}.${FORMAT_REGISTRY[format].extension}`;

/** How a build file is recorded in build_files.format: the format id for the book, the registry's sample name (`sample-epub`) for its sample. */
export const fileFormat = (format: Format, sample: boolean) => (sample ? FORMAT_REGISTRY[format].sampleFile : format);

/** Every name a build file can have in build_files.format: each format, and each format's sample. */
export const BUILD_FILE_FORMATS = FORMATS.flatMap((format) => [format, FORMAT_REGISTRY[format].sampleFile]) as [string, ...string[]];

/** Every format a Worker build writes: every registered format. */
export function buildFormats(): Format[] {
  return [...FORMATS].sort();
}

/** The accessibility an edition's EPUB states (derived from the book, book.yaml's overrides applied), as stored with it. */
const statedAccessibilitySchema = z.object({
  accessMode: z.array(z.enum(ACCESS_MODES)),
  accessModeSufficient: z.array(z.string()),
  accessibilityFeature: z.array(z.enum(ACCESSIBILITY_FEATURES)),
  accessibilityHazard: z.array(z.enum(ACCESSIBILITY_HAZARDS)),
  accessibilitySummary: z.string(),
  conformsTo: z.string().optional(),
  certifiedBy: z.string().optional(),
}) satisfies z.ZodType<Accessibility, unknown>;

/**
 * What a build stores as `builds.meta`: the book's metadata, with
 * `accessibility` holding what its EPUB states, so the store, the API and
 * OPDS say what the file says.
 */
export function editionMetaOf(doc: BookDocument) {
  return { ...doc.meta, modified: doc.meta.modified.toISOString(), accessibility: accessibilityOf(doc) };
}

/** An edition's metadata as the build consumer stores it (`builds.meta`, from `editionMetaOf`). */
export const editionMetaSchema = z.object({
  slug: z.string(),
  title: z.string(),
  subtitle: z.string().optional(),
  language: z.string(),
  authors: z.array(z.string()),
  publisher: z.string().optional(),
  date: z.string(),
  modified: z.string().transform((s) => new Date(s)),
  description: z.string().optional(),
  identifier: z.string(),
  isbn: z.string().optional(),
  price: z.object({ amount: z.number(), currency: z.string() }).optional(),
  tags: z.array(z.string()).default([]),
  page: z.enum(PAGE_SIZES).default('a5'),
  rights: z.string().optional(),
  cover: z.string().optional(),
  // Editions built before the statement was stored kept only book.yaml's overrides, if any: they state nothing.
  accessibility: statedAccessibilitySchema.optional().catch(undefined),
  // Editions built before the reservation was recorded were sold under the default.
  tdm: tdmReservationSchema.default(DEFAULT_TDM),
}) satisfies z.ZodType<BookMeta, unknown>;

export type EditionMeta = z.output<typeof editionMetaSchema>;

/** The one message the build queue carries. */
export const buildMessageSchema = z.strictObject({ buildId: z.string().min(1).max(100) });
export type BuildMessage = z.infer<typeof buildMessageSchema>;

/** A build of a book that is or was on sale: its metadata and files as the build recorded them. */
export interface Edition {
  slug: string;
  buildId: string;
  contentHash: string;
  meta: EditionMeta;
  /** Every file of the build, samples included: `editionFile` picks one. */
  files: BuildFile[];
}

/** A book on sale: its current edition and when that went on sale. */
export interface PublishedBook extends Edition {
  publishedAt: string;
}

/** One publish of a book; publishing an earlier build again (a rollback) is another. */
export interface PublicationRecord {
  buildId: string;
  /** The edition's date, YYYY-MM-DD. */
  date: string;
  publishedAt: string;
  /** Articles the build left out because their contributors' consent did not allow them (its changelog). */
  removedArticles: number;
}

/** The edition's file in `format`, the book's or its free sample's; undefined when the build wrote none. */
export function editionFile(edition: Pick<Edition, 'files'>, format: Format, sample: boolean): BuildFile | undefined {
  const name = fileFormat(format, sample);
  return edition.files.find((f) => f.format === name);
}

/** The edition's book files, or its sample files, in registry order. */
export function editionFiles(edition: Pick<Edition, 'files'>, sample: boolean): { format: Format; file: BuildFile }[] {
  return FORMATS.flatMap((format) => {
    const file = editionFile(edition, format, sample);
    return file ? [{ format, file }] : [];
  });
}

/** The page count of the edition's paged book file (the PDF), when it has one. */
export function pageCount(edition: Pick<Edition, 'files'>): number | undefined {
  return editionFiles(edition, false).find(({ format }) => FORMAT_REGISTRY[format].paged)?.file.pages ?? undefined;
}

const buildFilesSchema = z.array(
  z.object({ format: z.string(), r2Key: z.string(), size: z.number(), sha256: z.string(), pages: z.number().nullable() }),
) satisfies z.ZodType<BuildFile[], unknown>;

/** An edition's columns over `bu` (builds); its files come as one JSON array, so a page of books is one query. */
const EDITION_COLUMNS = `bu.book_slug AS slug, bu.id AS build_id, bu.content_hash, bu.meta,
  (SELECT json_group_array(json_object('format', f.format, 'r2Key', f.r2_key, 'size', f.size, 'sha256', f.sha256, 'pages', f.pages))
     FROM build_files f WHERE f.build_id = bu.id) AS files`;

/**
 * Every book's published edition, as `PublishedBookRow`s: `b` is books, `bu`
 * builds. The public catalog adds its filters and order.
 */
export const SELECT_PUBLISHED_BOOKS = `SELECT ${EDITION_COLUMNS}, b.published_at
  FROM books b JOIN builds bu ON bu.id = b.published_build_id AND bu.status = 'ready'`;

interface EditionRow {
  slug: string;
  build_id: string;
  content_hash: string;
  meta: string;
  files: string;
}

export interface PublishedBookRow extends EditionRow {
  published_at: string;
}

export function toPublishedBook(row: PublishedBookRow): PublishedBook {
  return { ...toEdition(row), publishedAt: row.published_at };
}

function toEdition(row: EditionRow): Edition {
  return {
    slug: row.slug,
    buildId: row.build_id,
    contentHash: row.content_hash,
    meta: editionMetaSchema.parse(JSON.parse(row.meta)),
    files: buildFilesSchema.parse(JSON.parse(row.files)),
  };
}

/**
 * The one way to read published editions (books.published_build_id → builds
 * → build_files): the public API, OPDS, the storefront, commerce and the
 * editor all come here.
 */
export class EditionRepository {
  constructor(private readonly db: D1Database) {}

  /** The edition on sale for `slug`; null when the book is unknown or unpublished. */
  async published(slug: string): Promise<PublishedBook | null> {
    const row = await this.db.prepare(`${SELECT_PUBLISHED_BOOKS} WHERE b.slug = ?`).bind(slug).first<PublishedBookRow>();
    return row ? toPublishedBook(row) : null;
  }

  /** An edition of `slug` that has been on sale at some time (so buyers' links outlive a new edition); null for any other build. */
  async publishedBuild(slug: string, buildId: string): Promise<Edition | null> {
    const row = await this.db
      .prepare(
        `SELECT ${EDITION_COLUMNS} FROM builds bu
         WHERE bu.id = ?1 AND bu.book_slug = ?2 AND bu.status = 'ready'
           AND (EXISTS (SELECT 1 FROM publications p WHERE p.build_id = bu.id AND p.book_slug = ?2)
             OR EXISTS (SELECT 1 FROM books k WHERE k.slug = ?2 AND k.published_build_id = bu.id))`,
      )
      .bind(buildId, slug)
      .first<EditionRow>();
    return row ? toEdition(row) : null;
  }

  /** Every publish of `slug`, newest first. */
  async publications(slug: string): Promise<PublicationRecord[]> {
    const rows = await this.db
      .prepare(
        `SELECT p.build_id AS buildId, json_extract(bu.meta, '$.date') AS date, p.published_at AS publishedAt,
                coalesce(json_array_length(bu.facts, '$.removed'), 0) AS removedArticles
         FROM publications p JOIN builds bu ON bu.id = p.build_id WHERE p.book_slug = ? ORDER BY p.id DESC`,
      )
      .bind(slug)
      .all<PublicationRecord>();
    return rows.results;
  }
}
