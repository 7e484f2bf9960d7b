import type { ManifestInput } from '../content/manifest.ts';
import { normalizePath, resolveRelative, type BookSource } from '../content/source.ts';
import { BinderyError, type SourceLocation } from '../errors.ts';

/**
 * Everything a Worker build reads, frozen when the build is requested: the
 * manifest (chapters rewritten to virtual article paths), the articles' text
 * and the R2 keys of their images. Stored next to the edition, so the consumer
 * builds exactly the content that was hashed, even if the pool changes.
 */
export interface BookSnapshot {
  slug: string;
  manifest: ManifestInput;
  articles: { id: string; markdown: string }[];
  /** Virtual path (as the loader resolves it) → content-addressed R2 object. */
  assets: { path: string; r2Key: string; sha256: string }[];
}

const MANIFEST = 'book.yaml';
/**
 * Where a pool article sits in the virtual book tree: `<slug>/articles/<stem>.md`
 * for the id `<slug>/<stem>`. Articles pushed from one book folder stay
 * siblings, so their links to each other (`02-verification.md#…`) resolve as
 * they do on disk, and `../images/…` lands in a folder of their own id prefix:
 * two books' `images/chart.png` never collide in a bundle.
 */
export function articlePath(id: string): string {
  const cut = id.lastIndexOf('/');
  return cut === -1 ? `articles/${id}.md` : `${id.slice(0, cut)}/articles/${id.slice(cut + 1)}.md`;
}

/** Where an article's image reference (relative to the article) lands in the virtual tree; null when it escapes. */
export function articleAssetPath(id: string, reference: string): string | null {
  const path = resolveRelative(articlePath(id), reference);
  return !path || path.startsWith('\0') ? null : path;
}

/** A BookSource over a snapshot: text from the snapshot, images from R2. */
export class StorageSource implements BookSource {
  readonly name: string;
  private readonly texts = new Map<string, string>();
  private readonly assets = new Map<string, string>();
  private readonly articleIds = new Map<string, string>();

  constructor(
    snapshot: BookSnapshot,
    private readonly bucket: R2Bucket,
  ) {
    this.name = snapshot.slug;
    this.texts.set(MANIFEST, JSON.stringify(snapshot.manifest, null, 1));
    for (const article of snapshot.articles) {
      this.texts.set(articlePath(article.id), article.markdown);
      this.articleIds.set(articlePath(article.id), article.id);
    }
    for (const asset of snapshot.assets) this.assets.set(asset.path, asset.r2Key);
  }

  async read(path: string): Promise<Uint8Array | null> {
    const key = normalizePath(path);
    const text = this.texts.get(key);
    if (text !== undefined) return new TextEncoder().encode(text);
    const r2Key = this.assets.get(key);
    if (!r2Key) return null;
    const object = await this.bucket.get(r2Key);
    if (!object) throw new BinderyError('missing-file', `stored image "${key}" is missing from R2 (${r2Key})`, { file: key });
    return new Uint8Array(await object.arrayBuffer());
  }

  /** Rewrites a location in the virtual tree to what the editor knows: the article id. */
  locate<T extends SourceLocation>(where: T): T {
    const id = where.file ? this.articleIds.get(where.file) : undefined;
    return id ? { ...where, file: id } : where;
  }
}
