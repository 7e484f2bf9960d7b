import { ArticleIds } from '../content/article-ids.ts';
import type { BookManifest } from '../content/manifest.ts';
import { escapes, normalizePath, resolveRelative, type BookSource, type SourceArticle, type SourceManifest } from '../content/source.ts';
import { BinderyError } from '../errors.ts';

/** An image in R2, by the path its article or the manifest references it with. */
export interface SnapshotAsset {
  path: string;
  r2Key: string;
  sha256: string;
}

/** An article a build left out because a contributor's consent does not reach the book: the edition's changelog entry. */
export interface RemovedArticle {
  article: string;
  contributor: string;
  role: string;
  consent: string;
  /** `withdrawn`, or `granted` for another book only. */
  status: 'granted' | 'withdrawn';
}

/**
 * Everything a Worker build reads, frozen when the build is requested, in the
 * pool's own terms: the manifest as D1 stores it (chapters naming article
 * ids), each article's text and images by id, and the files the manifest
 * names (the cover). Stored next to the edition, so the consumer builds
 * exactly the content that was hashed, even if the pool changes.
 */
export interface BookSnapshot {
  slug: string;
  manifest: BookManifest;
  /** `withheldImages`: paths (as the article references them) whose contributor's consent does not reach this book. */
  articles: { id: string; markdown: string; assets: SnapshotAsset[]; withheldImages?: string[] }[];
  assets: SnapshotAsset[];
  /** Articles consent kept out of this build: the edition's changelog. */
  removed?: RemovedArticle[];
}

/**
 * A BookSource over a snapshot: articles by id, images from R2. A build
 * needs each article somewhere among the book's files for its links and
 * images to resolve: the article `<prefix>/<stem>` sits at
 * `<prefix>/articles/<stem>.md`. Articles pushed from one book folder stay
 * siblings, so their links to each other (`02-verification.md#…`) resolve as
 * they do on disk, and `../images/…` lands in a folder of their own id
 * prefix: two books' `images/chart.png` never collide in a bundle. The paths
 * are part of the content hash, so they stay as they are; they never leave
 * this class: `ids` names the articles in errors and warnings again.
 */
export class StorageSource implements BookSource {
  readonly name: string;
  readonly ids = new ArticleIds();
  private readonly manifestValue: BookManifest;
  private readonly articles = new Map<string, SourceArticle>();
  private readonly files = new Map<string, SnapshotAsset & { owner: string }>();
  private readonly withheldPaths = new Set<string>();

  constructor(
    snapshot: BookSnapshot,
    private readonly bucket: R2Bucket,
  ) {
    this.name = snapshot.slug;
    this.manifestValue = snapshot.manifest;
    for (const asset of snapshot.assets) this.place(normalizePath(asset.path), asset, 'book.yaml');
    for (const article of snapshot.articles) {
      const path = articlePath(article.id);
      this.articles.set(article.id, { path, markdown: article.markdown });
      this.ids.add(path, article.id);
      for (const asset of article.assets) this.place(resolveRelative(path, asset.path), asset, article.id);
      for (const image of article.withheldImages ?? []) {
        const place = resolveRelative(path, image);
        if (place !== null && !escapes(place)) this.withheldPaths.add(place);
      }
    }
  }

  withheld(path: string): boolean {
    return this.withheldPaths.has(normalizePath(path));
  }

  async manifest(): Promise<SourceManifest> {
    return { manifest: this.manifestValue, lineOf: () => undefined };
  }

  async article(id: string): Promise<SourceArticle | null> {
    return this.articles.get(id) ?? null;
  }

  async read(path: string): Promise<Uint8Array | null> {
    const asset = this.files.get(normalizePath(path));
    if (!asset) return null;
    const object = await this.bucket.get(asset.r2Key);
    if (!object) throw new BinderyError('missing-file', `stored image "${asset.path}" is missing from R2 (${asset.r2Key})`, { file: asset.owner });
    return new Uint8Array(await object.arrayBuffer());
  }

  /** Puts an image where the build will look for it; two different images cannot share a place. */
  private place(path: string | null, asset: SnapshotAsset, owner: string): void {
    if (path === null || escapes(path)) return;
    const other = this.files.get(path);
    if (other && other.sha256 !== asset.sha256) {
      throw new BinderyError('conflict', `"${owner}" and "${other.owner}" use different images that land at the same place ("${asset.path}")`, { file: owner });
    }
    this.files.set(path, { ...asset, owner });
  }
}

function articlePath(id: string): string {
  const cut = id.lastIndexOf('/');
  return cut === -1 ? `articles/${id}.md` : `${id.slice(0, cut)}/articles/${id.slice(cut + 1)}.md`;
}
