import { FORMATS, type Format } from '../formats/writer.ts';
import { BuildRepository, type BuildFile } from '../catalog/builds.ts';
import { editionMetaSchema, type EditionMeta } from '../catalog/editions.ts';

/** A published build of a book: what buyers download. */
export interface Edition {
  slug: string;
  buildId: string;
  meta: EditionMeta;
  /** The full book files by format (samples are left out: they are free elsewhere). */
  files: Map<Format, BuildFile>;
}

/** Reads editions on sale (books.published_build_id) and editions once published (publications). */
export class EditionReader {
  private readonly builds: BuildRepository;

  constructor(private readonly db: D1Database) {
    this.builds = new BuildRepository(db);
  }

  /** The edition on sale for a book, or null when the book is unknown or unpublished. */
  async published(slug: string): Promise<Edition | null> {
    const row = await this.db
      .prepare(
        `SELECT b.id, b.meta FROM books k JOIN builds b ON b.id = k.published_build_id
         WHERE k.slug = ? AND b.status = 'ready'`,
      )
      .bind(slug)
      .first<{ id: string; meta: string | null }>();
    return row ? this.edition(slug, row.id, row.meta) : null;
  }

  /** An edition of `slug` that has been published at some time; null for any other build. */
  async publishedBuild(slug: string, buildId: string): Promise<Edition | null> {
    const row = await this.db
      .prepare(
        `SELECT b.id, b.meta FROM builds b
         WHERE b.id = ?1 AND b.book_slug = ?2 AND b.status = 'ready'
           AND (EXISTS (SELECT 1 FROM publications p WHERE p.build_id = b.id AND p.book_slug = ?2)
             OR EXISTS (SELECT 1 FROM books k WHERE k.slug = ?2 AND k.published_build_id = b.id))`,
      )
      .bind(buildId, slug)
      .first<{ id: string; meta: string | null }>();
    return row ? this.edition(slug, row.id, row.meta) : null;
  }

  private async edition(slug: string, buildId: string, metaJson: string | null): Promise<Edition | null> {
    const meta = editionMetaSchema.safeParse(metaJson ? JSON.parse(metaJson) : null);
    if (!meta.success) return null;
    const build = await this.builds.get(buildId);
    const files = new Map<Format, BuildFile>();
    for (const file of build.files) if ((FORMATS as readonly string[]).includes(file.format)) files.set(file.format as Format, file);
    return { slug, buildId, meta: meta.data, files };
  }
}
