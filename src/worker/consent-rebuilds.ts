import { BookRepository } from '../catalog/books.ts';
import { BuildRepository, type BuildError } from '../catalog/builds.ts';
import { ConsentRepository, type ConsentEvent } from '../catalog/consents.ts';
import { EditionContentRepository, type EditionOnSale } from '../catalog/edition-contents.ts';
import { snapshotKey, type BuildMessage } from '../catalog/editions.ts';
import { BinderyError } from '../errors.ts';
import { deploymentTdm } from '../tdm.ts';
import { BuildRequests, editionItems } from './build-requests.ts';
import { withoutWithheld } from './withheld-content.ts';
import type { BookSnapshot } from './storage-source.ts';

/** What a withdrawal or re-grant did: the log entry (null when the status was already so) and the books it rebuilt. */
export interface ConsentChange {
  event: ConsentEvent | null;
  rebuilt: { slug: string; replacedBuildId: string; buildId: string | null; error: BuildError | null }[];
}

/**
 * What withdrawing consent sets off, without an editor: every book and bundle
 * whose edition on sale holds the content gets a rebuild queued at once
 * (the build leaves the content out, see withheld-content.ts), and the
 * consumer publishes it when it is ready (`publishAwaitedRebuild`), so
 * buyers' libraries and the free sample move to the new edition.
 */
export class ConsentChanges {
  private readonly consents: ConsentRepository;
  private readonly contents: EditionContentRepository;

  constructor(private readonly env: Pick<Env, 'DB' | 'BOOKS' | 'BUILDS' | 'TDM_RESERVATION' | 'TDM_POLICY'>) {
    this.consents = new ConsentRepository(env.DB);
    this.contents = new EditionContentRepository(env.DB);
  }

  async withdraw(consentId: string, source: string, reason: string | null): Promise<ConsentChange> {
    const event = await this.consents.withdraw(consentId, source, reason);
    if (!event) return { event, rebuilt: [] };
    await recordUnrecordedEditions(this.env.DB, this.env.BOOKS);
    const rebuilt: ConsentChange['rebuilt'] = [];
    for (const edition of await this.contents.publishedWith(consentId)) rebuilt.push(await this.rebuild(event.id, edition));
    return { event, rebuilt };
  }

  /** Grants again; the content returns with each book's next build (an editor's decision: nothing is republished by itself). */
  async regrant(consentId: string, source: string): Promise<ConsentChange> {
    return { event: await this.consents.regrant(consentId, source), rebuilt: [] };
  }

  private async rebuild(eventId: number, edition: EditionOnSale): Promise<ConsentChange['rebuilt'][number]> {
    const requests = new BuildRequests(this.env.DB, this.env.BOOKS, this.env.BUILDS as Queue<BuildMessage>, deploymentTdm(this.env));
    // The edition on sale without the content, not the catalog's current state: unpublished edits stay unpublished.
    const published = await this.env.BOOKS.get(snapshotKey(edition.slug, edition.contentHash));
    const outcome = published
      ? await requests.request(edition.slug, async () => withoutWithheld(this.env.DB, (await published.json()) as BookSnapshot))
      : await requests.request(edition.slug);
    if ('invalid' in outcome) {
      // `consent: block`, or nothing left to build: the edition stays as it is and the listing says why.
      await this.contents.recordRebuild(eventId, edition, { error: outcome.invalid });
      return { slug: edition.slug, replacedBuildId: edition.buildId, buildId: null, error: outcome.invalid };
    }
    await this.contents.recordRebuild(eventId, edition, { buildId: outcome.build.id });
    // The same content may have been built before (withdrawn, re-granted, withdrawn again): it goes on sale now.
    if (outcome.build.status === 'ready') await publishAwaitedRebuild(this.env.DB, this.env.BOOKS, outcome.build.id, edition.slug);
    return { slug: edition.slug, replacedBuildId: edition.buildId, buildId: outcome.build.id, error: null };
  }
}

/**
 * Puts a finished build on sale when a withdrawal is waiting for it. Called
 * by the queue consumer after every completed build; does nothing for others.
 */
export async function publishAwaitedRebuild(db: D1Database, bucket: R2Bucket, buildId: string, slug: string): Promise<void> {
  const contents = new EditionContentRepository(db);
  if (!(await contents.awaitsPublication(buildId))) return;
  try {
    await assertPublishable(db, bucket, slug, buildId);
    const { publishedAt } = await new BookRepository(db).publish(slug, buildId);
    await contents.settle(buildId, { publishedAt });
  } catch (err) {
    if (!(err instanceof BinderyError)) throw err;
    await contents.settle(buildId, { error: err.toJSON() });
  }
}

/**
 * Refuses (409) to put on sale a build that holds content consent no longer
 * lets into the book, naming the content and whose consent it is.
 */
export async function assertPublishable(db: D1Database, bucket: R2Bucket, slug: string, buildId: string): Promise<void> {
  const contents = new EditionContentRepository(db);
  const build = await new BuildRepository(db).get(buildId);
  if (build.bookSlug !== slug) return; // BookRepository.publish answers 404 for another book's build
  if (!(await contents.recorded(slug, build.contentHash))) await recordFromSnapshot(contents, bucket, slug, build.contentHash);
  const withheld = await contents.withheldIn(slug, buildId);
  if (!withheld.length) return;
  const named = withheld
    .slice(0, 5)
    .map((w) => `${w.image ? `image "${w.image}" of article` : 'article'} "${w.articleId}" (${w.contributor}, consent ${w.consentId} ${w.status === 'withdrawn' ? 'withdrawn' : 'for another book only'})`)
    .join('; ');
  throw new BinderyError('conflict', `build "${buildId}" holds content its contributors' consent does not allow in "${slug}": ${named}${withheld.length > 5 ? `; and ${withheld.length - 5} more` : ''}`, {
    field: 'buildId',
  });
}

/** Editions on sale built before their contents were recorded: read from their snapshots once, so a withdrawal finds them. */
async function recordUnrecordedEditions(db: D1Database, bucket: R2Bucket): Promise<void> {
  const contents = new EditionContentRepository(db);
  for (const { slug, contentHash } of await contents.unrecordedPublished()) await recordFromSnapshot(contents, bucket, slug, contentHash);
}

async function recordFromSnapshot(contents: EditionContentRepository, bucket: R2Bucket, slug: string, contentHash: string): Promise<void> {
  const object = await bucket.get(snapshotKey(slug, contentHash));
  if (object) await contents.record(slug, contentHash, editionItems((await object.json()) as BookSnapshot));
}
