import { env } from 'cloudflare:test';
import { vi } from 'vitest';
import { ArticleRepository } from '../../../src/catalog/articles.ts';
import { storeImage } from '../../../src/catalog/assets.ts';
import { BookRepository } from '../../../src/catalog/books.ts';
import { BuildRepository, type BuildFile } from '../../../src/catalog/builds.ts';
import { editionMetaOf, snapshotKey, type BuildMessage } from '../../../src/catalog/editions.ts';
import { apiManifestSchema } from '../../../src/catalog/schemas.ts';
import { generatedCoverPng } from '../../../src/http/store/cover.ts';
import { prepareBook } from '../../../src/pipeline/build.ts';
import { BuildRequests } from '../../../src/worker/build-requests.ts';
import { renderEdition, storeFiles } from '../../../src/worker/consumer.ts';
import { StorageSource, type BookSnapshot } from '../../../src/worker/storage-source.ts';
import { deploymentTdm } from '../../../src/tdm.ts';

/**
 * Publishes books through the code the Worker runs: articles into the pool
 * and the book saved by the catalog (as the editor API saves them), the cover
 * stored as an uploaded image, the build requested (snapshot frozen in R2,
 * build queued), then built as the queue consumer builds it — its rendering
 * step (full edition, then the free sample) and its store step — completed
 * and published. PDF needs fonts from R2, so these editions are EPUB only, and
 * the queue message is not sent: the fixture is the consumer.
 */
export interface BookFixture {
  slug: string;
  title: string;
  subtitle?: string;
  language: string;
  authors?: string[];
  description?: string;
  tags?: string[];
  price?: { amount: number; currency: string };
  date?: string;
  /** When the edition went on sale; orders the catalog. The clock reads this time while the book is published. */
  publishedAt: string;
  /** Store a PNG cover image with the book. */
  withCover?: boolean;
  /** Chapter titles; the first is the free sample. Two parts when there are four or more. */
  chapters?: string[];
  /** book.yaml's `tdm:`; absent, the deployment's reservation applies. */
  tdm?: { reservation: boolean; policy?: string };
}

/** The build request's queue: the fixture consumes the build itself (EPUB only), so the message goes nowhere. */
const noQueue = { send: async () => {} } as unknown as Queue<BuildMessage>;
const FORMATS = ['epub'] as const;

export async function publishFixture(book: BookFixture): Promise<{ buildId: string; contentHash: string }> {
  // The catalog stamps every row with the time it is written: the book is written, built and published at `publishedAt`.
  vi.setSystemTime(book.publishedAt);
  try {
    const chapters = book.chapters ?? ['Getting started', 'Working together', 'Checking facts', 'Looking after people'];
    const ids = chapters.map((_, i) => `${book.slug}/${String(i + 1).padStart(2, '0')}`);
    const articles = new ArticleRepository(env.DB);
    for (const [i, title] of chapters.entries()) {
      await articles.put(ids[i], `---\ntitle: ${title}\n---\n\nOpening words of ${title}.\n\n## First section\n\nText.\n\n## Second section\n\nMore text.\n`);
    }
    const manifest = apiManifestSchema.parse({
      title: book.title,
      ...(book.subtitle ? { subtitle: book.subtitle } : {}),
      language: book.language,
      authors: book.authors ?? ['Ada Writer'],
      date: book.date ?? book.publishedAt.slice(0, 10),
      ...(book.description ? { description: book.description } : {}),
      ...(book.price ? { price: book.price } : {}),
      ...(book.withCover ? { cover: 'cover.png' } : {}),
      ...(book.tdm ? { tdm: book.tdm } : {}),
      tags: book.tags ?? [],
      chapters:
        ids.length >= 4
          ? [{ article: ids[0], sample: true }, ids[1], { part: 'Part Two', chapters: ids.slice(2) }]
          : [{ article: ids[0], sample: true }, ...ids.slice(1)],
    });
    const books = new BookRepository(env.DB);
    await books.put(book.slug, { kind: 'book', manifest });
    if (book.withCover) await books.putAsset(book.slug, 'cover.png', await storeImage(env.BOOKS, generatedCoverPng(), 'cover.png'));

    const requested = await new BuildRequests(env.DB, env.BOOKS, noQueue, deploymentTdm(env)).request(book.slug);
    if ('invalid' in requested) throw new Error(`fixture ${book.slug} does not build: ${requested.invalid.message}`);
    const builds = new BuildRepository(env.DB);
    const build = await builds.claim(requested.build.id);
    if (!build) throw new Error(`fixture ${book.slug}: build ${requested.build.id} could not be claimed`);
    // What the consumer's runBuild does, with EPUB only: read the snapshot, render full and sample, store, complete.
    const snapshot = (await (await env.BOOKS.get(snapshotKey(build.bookSlug, build.contentHash)))!.json()) as BookSnapshot;
    const source = new StorageSource(snapshot, env.BOOKS);
    const { document } = await prepareBook(source, { formats: [...FORMATS] });
    const rows: BuildFile[] = [];
    const facts = await renderEdition(document, build.contentHash, {
      formats: [...FORMATS],
      fonts: noFonts,
      onProgress: () => {},
      store: async (files, sample) => void rows.push(...(await storeFiles(env.BOOKS, build, files, sample))),
    });
    await builds.complete(build.id, rows, { ...facts, warnings: facts.warnings.map((w) => source.ids.toId(w)) }, editionMetaOf(document));
    await books.publish(book.slug, build.id);
    return { buildId: build.id, contentHash: build.contentHash };
  } finally {
    vi.useRealTimers();
  }
}

/** A book that exists but was never published: it must stay invisible. */
export async function unpublishedFixture(slug: string, title: string): Promise<void> {
  const manifest = apiManifestSchema.parse({ title, language: 'en', authors: ['Ada Writer'], date: '2025-01-01', chapters: [`${slug}/01`] });
  await new BookRepository(env.DB).put(slug, { kind: 'book', manifest });
}

const noFonts = () => Promise.reject(new Error('EPUB-only fixtures load no fonts'));

/** The catalog the tests read: an English and a Chinese handbook, newest first, plus an unpublished draft. */
export async function seedCatalog() {
  await publishFixture({
    slug: 'remote-newsroom',
    title: 'The Remote Newsroom Playbook',
    subtitle: 'Verification and handoffs for distributed teams',
    language: 'en',
    authors: ['Maya Okafor', 'Daniel Reyes'],
    description: 'A practical guide for editors who run a newsroom across time zones.',
    tags: ['journalism', 'verification'],
    price: { amount: 12, currency: 'USD' },
    publishedAt: '2025-09-30T10:00:00.000Z',
  });
  await publishFixture({
    slug: 'ai-video',
    title: '生成式影片工具實戰手冊',
    subtitle: '從 prompt 到發布',
    language: 'zh-Hant',
    authors: ['知識工坊編輯室'],
    description: '為台灣新聞室編寫的生成式影片實務指南。',
    tags: ['ai', 'video', 'journalism'],
    price: { amount: 299, currency: 'TWD' },
    publishedAt: '2025-10-15T10:00:00.000Z',
    withCover: true,
    chapters: ['生成式影片的現況', '工作流程', '比較', '成本'],
  });
  await publishFixture({
    slug: 'style-guide',
    title: 'House Style Guide',
    language: 'en',
    tags: ['editorial-standards'],
    publishedAt: '2025-08-01T10:00:00.000Z',
    chapters: ['Numbers', 'Names'],
  });
  await unpublishedFixture('draft-book', 'A Draft Nobody Should See');
}
