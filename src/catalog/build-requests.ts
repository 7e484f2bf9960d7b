import { prepareBook } from '../build/build.ts';
import { sha256Hex } from '../crypto.ts';
import { StorageSource, type BookSnapshot } from '../build/storage-source.ts';
import { BinderyError } from '../errors.ts';
import { BuildRepository, type BuildRecord } from './builds.ts';
import { newId } from './clock.ts';
import { buildFormats, snapshotKey, type BuildMessage } from './editions.ts';
import { snapshotBook } from './snapshot.ts';

/**
 * Turns "build this book" into at most one queued build per content: the
 * book is snapshotted and validated now (bad content fails at once, with the
 * article and line), and an existing live build of the same content is
 * returned instead of queuing another.
 */
export class BuildRequests {
  private readonly builds: BuildRepository;

  constructor(
    private readonly db: D1Database,
    private readonly bucket: R2Bucket,
    private readonly queue: Queue<BuildMessage>,
  ) {
    this.builds = new BuildRepository(db);
  }

  async request(slug: string): Promise<{ build: BuildRecord; created: boolean }> {
    let snapshot: BookSnapshot | undefined;
    let contentHash: string;
    try {
      snapshot = await snapshotBook(this.db, slug);
      const source = new StorageSource(snapshot, this.bucket);
      try {
        contentHash = (await prepareBook(source, { formats: buildFormats() })).contentHash;
      } catch (err) {
        if (err instanceof BinderyError) throw new BinderyError(err.code, err.message, source.locate(err.where), { cause: err });
        throw err;
      }
    } catch (err) {
      if (!(err instanceof BinderyError) || err.code === 'not-found') throw err;
      const inputHash = await sha256Hex(JSON.stringify(snapshot ?? { slug }));
      const build = await this.builds.insertFailed(newId('bld'), slug, inputHash, err.toJSON());
      return { build, created: true };
    }
    const existing = await this.builds.findLive(slug, contentHash);
    if (existing) return { build: existing, created: false };
    await this.bucket.put(snapshotKey(slug, contentHash), JSON.stringify(snapshot), {
      httpMetadata: { contentType: 'application/json' },
    });
    const queued = await this.builds.enqueue(newId('bld'), slug, contentHash);
    if (queued.created) await this.queue.send({ buildId: queued.build.id }, { contentType: 'json' });
    return queued;
  }
}
