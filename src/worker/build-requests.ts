import { prepareBook } from '../pipeline/build.ts';
import { StorageSource, type BookSnapshot } from './storage-source.ts';
import { BinderyError } from '../errors.ts';
import { BuildRepository, type BuildError, type BuildRecord } from '../catalog/builds.ts';
import { newId } from '../catalog/clock.ts';
import { buildFormats, snapshotKey, type BuildMessage } from '../catalog/editions.ts';
import { snapshotBook } from './snapshot.ts';
import { EditionContentRepository, type EditionItem } from '../catalog/edition-contents.ts';
import { imageKey } from '../content/contributors.ts';
import type { TdmReservation } from '../tdm.ts';

/** A build that stands for the content, or why the content cannot be built (nothing is recorded then). */
export type BuildRequest = { build: BuildRecord; created: boolean } | { invalid: BuildError };

/**
 * Turns "build this book" into at most one queued build per content: the
 * book is snapshotted and validated now (bad content is refused at once,
 * with the article and line, and leaves no build behind), and an existing
 * live build of the same content is returned instead of queuing another —
 * unless its consumer died (lapsed lease), which fails it and queues anew.
 */
export class BuildRequests {
  private readonly builds: BuildRepository;

  constructor(
    private readonly db: D1Database,
    private readonly bucket: R2Bucket,
    private readonly queue: Queue<BuildMessage>,
    /** The deployment's TDM reservation, for books that state none (`deploymentTdm(env)`). */
    private readonly tdmDefault: TdmReservation,
  ) {
    this.builds = new BuildRepository(db);
  }

  /**
   * `snapshot` freezes the content to build: by default the book as the
   * catalog holds it now; a consent withdrawal passes the edition on sale
   * with the withdrawn content taken out, so no unpublished edit goes on
   * sale with it.
   */
  async request(slug: string, snapshot: () => Promise<BookSnapshot> = () => snapshotBook(this.db, slug, this.tdmDefault)): Promise<BuildRequest> {
    let frozen: BookSnapshot;
    let source: StorageSource | undefined;
    let contentHash: string;
    try {
      frozen = await snapshot();
      source = new StorageSource(frozen, this.bucket);
      contentHash = (await prepareBook(source, { formats: buildFormats() })).contentHash;
    } catch (err) {
      if (!(err instanceof BinderyError) || err.code === 'not-found') throw err;
      const invalid = err.toJSON();
      return { invalid: source ? source.ids.toId(invalid) : invalid };
    }
    // Recorded for every request, so content built before consent existed is known once it is asked for again.
    await new EditionContentRepository(this.db).record(slug, contentHash, editionItems(frozen));
    const existing = await this.builds.findLive(slug, contentHash);
    // A build on a lapsed lease will never finish (its consumer died): it is failed and the content queued again.
    const replaced = existing?.status === 'building' && (await this.builds.failIfLapsed(existing.id));
    if (existing && !replaced) return { build: existing, created: false };
    await this.bucket.put(snapshotKey(slug, contentHash), JSON.stringify(frozen), {
      httpMetadata: { contentType: 'application/json' },
    });
    const queued = await this.builds.enqueue(newId('bld'), slug, contentHash);
    if (queued.created) await this.queue.send({ buildId: queued.build.id }, { contentType: 'json' });
    return queued;
  }
}

/** What a build snapshot holds: each article's text, and each of its images that is not withheld. */
export function editionItems(snapshot: BookSnapshot): EditionItem[] {
  return snapshot.articles.flatMap((article) => {
    const withheld = new Set((article.withheldImages ?? []).map(imageKey));
    const images = article.assets.map((a) => imageKey(a.path)).filter((path) => !withheld.has(path));
    return [{ articleId: article.id, image: null }, ...images.map((image) => ({ articleId: article.id, image }))];
  });
}
