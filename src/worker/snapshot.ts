import type { BookSnapshot } from './storage-source.ts';
import { manifestSchema, type BookManifest } from '../content/manifest.ts';
import { chapterNames, MANIFEST } from '../content/source.ts';
import { BinderyError } from '../errors.ts';
import { ArticleRepository, type ArticleForBuild } from '../catalog/articles.ts';
import { BookRepository } from '../catalog/books.ts';
import type { Bundle } from '../catalog/schemas.ts';
import { applyConsent } from './withheld-content.ts';
import { tdmSetting, type TdmReservation } from '../tdm.ts';

/**
 * Freezes a book's current content for a build: a book's stored manifest, or
 * a bundle's query resolved to a manifest (so a rebuild picks up newly
 * matching articles), with the text and image keys of every chapter's article.
 * A book that states no TDM reservation (and every bundle) takes the
 * deployment's, recorded in the snapshot so a rebuild states the same.
 */
export async function snapshotBook(db: D1Database, slug: string, tdmDefault: TdmReservation): Promise<BookSnapshot> {
  const books = new BookRepository(db);
  const articles = new ArticleRepository(db);
  const definition = await books.definition(slug);
  const { manifest, ids } =
    definition.kind === 'book' ? bookManifest(definition.manifest) : await bundleManifest(definition.manifest, articles);
  const found = await articles.forBuild(ids.map((i) => i.id));
  for (const { id, field } of ids) {
    if (!found.has(id)) throw new BinderyError('invalid-manifest', `chapter article "${id}" not found in the pool`, { file: MANIFEST, field });
  }
  // Consent is applied before the bundle's date is set: a withdrawn article must not date the bundle.
  const consented = await applyConsent(db, slug, manifest, ids);
  if (definition.kind === 'bundle' && !manifest.date) consented.manifest.date = newestDate(consented.ids.map((i) => found.get(i.id)!));
  return {
    slug,
    manifest: { ...consented.manifest, slug, tdm: manifest.tdm ?? tdmSetting(tdmDefault) },
    articles: consented.ids.map(({ id }) => found.get(id)!).map(({ id, markdown, assets }) => {
      const withheldImages = consented.withheldImages.get(id);
      return { id, markdown, assets, ...(withheldImages ? { withheldImages } : {}) };
    }),
    assets: await books.assetsForBuild(slug),
    ...(consented.removed.length ? { removed: consented.removed } : {}),
  };
}

function bookManifest(manifest: BookManifest): { manifest: BookManifest; ids: { id: string; field: string }[] } {
  return { manifest, ids: chapterNames(manifest).map((c) => ({ id: c.name, field: c.field.join('.') })) };
}

async function bundleManifest(bundle: Bundle, articles: ArticleRepository) {
  const matched = await articles.match(bundle.query, bundle.order);
  if (!matched.length) throw new BinderyError('invalid-manifest', 'the bundle query matches no articles', { file: MANIFEST, field: 'query' });
  const { query: _query, order: _order, ...meta } = bundle;
  const manifest: BookManifest = {
    ...meta,
    // What a bundle leaves out takes book.yaml's defaults.
    ...manifestSchema.pick({ tags: true, page: true }).parse({ tags: bundle.tags, page: bundle.page }),
    // An empty date is filled from the articles once they are loaded (snapshotBook).
    date: bundle.date ?? '',
    chapters: matched.map((id, i) => (i === 0 ? { article: id, sample: true } : id)),
  };
  return { manifest, ids: matched.map((id, i) => ({ id, field: `query (match ${i + 1})` })) };
}

/** A bundle without a date takes its newest article's: the same articles give the same date, and the same hash. */
function newestDate(articles: ArticleForBuild[]): string {
  const dates = articles.map((a) => a.date).filter((d): d is string => !!d).sort();
  return dates[dates.length - 1] ?? '1970-01-01';
}
