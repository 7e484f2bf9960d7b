import { articleAssetPath, articlePath, type BookSnapshot } from './storage-source.ts';
import type { ManifestInput } from '../content/manifest.ts';
import { normalizePath } from '../content/source.ts';
import { BinderyError } from '../errors.ts';
import { ArticleRepository, type ArticleForBuild } from '../catalog/articles.ts';
import { BookRepository } from '../catalog/books.ts';
import type { ApiChapterRef, ApiManifest, Bundle } from '../catalog/schemas.ts';

type ManifestChapter = ManifestInput['chapters'][number];

/**
 * Freezes a book's current content for a build: resolves a book's chapter
 * article ids, or a bundle's query (so a rebuild picks up newly matching
 * articles), and collects the articles' text and image keys.
 */
export async function snapshotBook(db: D1Database, slug: string): Promise<BookSnapshot> {
  const books = new BookRepository(db);
  const articles = new ArticleRepository(db);
  const definition = await books.definition(slug);
  const { manifest, ids } =
    definition.kind === 'book' ? bookManifest(slug, definition.manifest) : await bundleManifest(slug, definition.manifest, articles);
  const found = await articles.forBuild(ids.map((i) => i.id));
  for (const { id, field } of ids) {
    if (!found.has(id)) throw new BinderyError('invalid-manifest', `chapter article "${id}" not found in the pool`, { file: 'book.yaml', field });
  }
  if (definition.kind === 'bundle' && !manifest.date) manifest.date = newestDate([...found.values()]);
  const chosen = ids.map((i) => found.get(i.id)!);
  return {
    slug,
    manifest,
    articles: chosen.map((a) => ({ id: a.id, markdown: a.markdown })),
    assets: collectAssets(chosen, await books.assetsForBuild(slug)),
  };
}

function bookManifest(slug: string, api: ApiManifest): { manifest: ManifestInput; ids: { id: string; field: string }[] } {
  const ids: { id: string; field: string }[] = [];
  const entry = (ref: Exclude<ApiChapterRef, { part: string }>, field: string) => {
    const id = typeof ref === 'string' ? ref : ref.article;
    ids.push({ id, field });
    return typeof ref === 'string' || ref.sample === undefined ? articlePath(id) : { file: articlePath(id), sample: ref.sample };
  };
  const chapters: ManifestChapter[] = api.chapters.map((ref, i) =>
    typeof ref === 'object' && 'part' in ref
      ? { part: ref.part, chapters: ref.chapters.map((c, j) => entry(c, `chapters.${i}.chapters.${j}`)) }
      : entry(ref, `chapters.${i}`),
  );
  return { manifest: { ...api, slug, chapters }, ids };
}

async function bundleManifest(slug: string, bundle: Bundle, articles: ArticleRepository) {
  const matched = await articles.match(bundle.query, bundle.order);
  if (!matched.length) throw new BinderyError('invalid-manifest', 'the bundle query matches no articles', { file: 'book.yaml', field: 'query' });
  const { query: _query, order: _order, ...meta } = bundle;
  const chapters: ManifestChapter[] = matched.map((id, i) => (i === 0 ? { file: articlePath(id), sample: true } : articlePath(id)));
  // An empty date is filled from the articles once they are loaded (snapshotBook).
  const manifest: ManifestInput = { ...meta, slug, date: bundle.date ?? '', chapters };
  return { manifest, ids: matched.map((id, i) => ({ id, field: `query (match ${i + 1})` })) };
}

/** A bundle without a date takes its newest article's: the same articles give the same date, and the same hash. */
function newestDate(articles: ArticleForBuild[]): string {
  const dates = articles.map((a) => a.date).filter((d): d is string => !!d).sort();
  return dates[dates.length - 1] ?? '1970-01-01';
}

function collectAssets(articles: ArticleForBuild[], bookAssets: BookSnapshot['assets']): BookSnapshot['assets'] {
  const byPath = new Map<string, BookSnapshot['assets'][number] & { owner: string }>();
  const add = (path: string | null, asset: { r2Key: string; sha256: string }, owner: string) => {
    if (!path) return;
    const other = byPath.get(path);
    if (other && other.sha256 !== asset.sha256) {
      throw new BinderyError('conflict', `"${owner}" and "${other.owner}" both place a different image at "${path}"`, { file: owner });
    }
    byPath.set(path, { path, r2Key: asset.r2Key, sha256: asset.sha256, owner });
  };
  for (const asset of bookAssets) add(normalizePath(asset.path), asset, 'book.yaml');
  for (const article of articles) for (const asset of article.assets) add(articleAssetPath(article.id, asset.path), asset, article.id);
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : 1)).map(({ owner: _owner, ...asset }) => asset);
}
