import { BuildRepository } from '../catalog/builds.ts';
import { editionPrefix } from '../catalog/editions.ts';

const PURGE_BATCH = 50;

/**
 * The scheduled job: fails builds whose consumer let its lease lapse and
 * builds queued for over an hour, then removes the R2 objects of failed
 * builds (never objects a live build of the same content still uses).
 * Published editions are never touched.
 */
export async function cleanUpBuilds(db: D1Database, bucket: R2Bucket, now = Date.now()): Promise<{ failed: string[]; purged: string[] }> {
  const builds = new BuildRepository(db);
  const failed = await builds.failStale(now);
  const purged: string[] = [];
  for (const build of await builds.purgeable(PURGE_BATCH)) {
    await deletePrefix(bucket, editionPrefix(build.bookSlug, build.contentHash));
    await builds.markPurged(build.id);
    purged.push(build.id);
  }
  return { failed, purged };
}

async function deletePrefix(bucket: R2Bucket, prefix: string): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, cursor });
    if (page.objects.length) await bucket.delete(page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
}
