import { env } from 'cloudflare:test';
import { buildBook, renderDocument, type BuiltFile } from '../../../src/pipeline/build.ts';
import { sha256Hex } from '../../../src/crypto.ts';
import { sampleDocument } from '../../../src/pipeline/sample.ts';
import { editionFileKey, fileFormat, snapshotKey } from '../../../src/catalog/editions.ts';
import { MemorySource } from '../../../src/content/source.ts';
import { generatedCoverPng } from '../../../src/http/store/cover.ts';

/**
 * Seeds published books the way the build consumer and publish leave them:
 * real EPUB files (full and sample) in R2 at their edition keys, `builds`
 * rows with meta and facts, `build_files`, `publications` and the book's
 * `published_build_id`. PDF needs fonts from R2, so these editions are EPUB only.
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
  /** When the edition went on sale; orders the catalog. */
  publishedAt: string;
  /** Store a PNG cover image with the edition's input. */
  withCover?: boolean;
  /** Chapter titles; the first is the free sample. Two parts when there are four or more. */
  chapters?: string[];
}

export async function publishFixture(book: BookFixture): Promise<{ buildId: string }> {
  const chapters = book.chapters ?? ['Getting started', 'Working together', 'Checking facts', 'Looking after people'];
  const files = new Map<string, string | Uint8Array>();
  const cover = book.withCover ? generatedCoverPng() : null;
  if (cover) files.set('cover.png', cover);
  const entries = chapters.map((_, i) => `articles/${String(i + 1).padStart(2, '0')}.md`);
  const manifestChapters =
    entries.length >= 4
      ? [{ file: entries[0], sample: true }, entries[1], { part: 'Part Two', chapters: entries.slice(2) }]
      : [{ file: entries[0], sample: true }, ...entries.slice(1)];
  files.set(
    'book.yaml',
    JSON.stringify({
      title: book.title,
      ...(book.subtitle ? { subtitle: book.subtitle } : {}),
      language: book.language,
      authors: book.authors ?? ['Ada Writer'],
      date: book.date ?? book.publishedAt.slice(0, 10),
      ...(book.description ? { description: book.description } : {}),
      ...(book.price ? { price: book.price } : {}),
      ...(cover ? { cover: 'cover.png' } : {}),
      tags: book.tags ?? [],
      chapters: manifestChapters,
    }),
  );
  chapters.forEach((title, i) =>
    files.set(entries[i], `---\ntitle: ${title}\n---\n\nOpening words of ${title}.\n\n## First section\n\nText.\n\n## Second section\n\nMore text.\n`),
  );
  const built = await buildBook(new MemorySource(book.slug, files), { formats: ['epub'], fonts: noFonts });
  const sample = await renderDocument(sampleDocument(built.document), built.facts.contentHash, { formats: ['epub'], fonts: noFonts });
  const hash = built.facts.contentHash;
  const rows = [...(await store(book.slug, hash, built.files, false)), ...(await store(book.slug, hash, sample.files, true))];

  if (cover) {
    const sha256 = await sha256Hex(cover);
    await env.BOOKS.put(`assets/${sha256}`, cover, { httpMetadata: { contentType: 'image/png' } });
    await env.BOOKS.put(snapshotKey(book.slug, hash), JSON.stringify({ slug: book.slug, assets: [{ path: 'cover.png', r2Key: `assets/${sha256}`, sha256 }] }));
  }

  const buildId = `bld_${book.slug}_${hash.slice(0, 8)}`;
  const meta = { ...built.document.meta, modified: built.document.meta.modified.toISOString() };
  const at = book.publishedAt;
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO books (slug, kind, manifest, title, created_at, updated_at) VALUES (?1, 'book', '{}', ?2, ?3, ?3)
       ON CONFLICT (slug) DO NOTHING`,
    ).bind(book.slug, book.title, at),
    env.DB.prepare(
      `INSERT INTO builds (id, book_slug, content_hash, status, progress, facts, meta, created_at, updated_at)
       VALUES (?1, ?2, ?3, 'ready', 1, ?4, ?5, ?6, ?6)`,
    ).bind(buildId, book.slug, hash, JSON.stringify(built.facts), JSON.stringify(meta), at),
    ...rows.map((r) =>
      env.DB.prepare('INSERT INTO build_files (build_id, format, r2_key, size, sha256, pages) VALUES (?, ?, ?, ?, ?, ?)').bind(
        buildId,
        r.format,
        r.r2Key,
        r.size,
        r.sha256,
        r.pages,
      ),
    ),
    env.DB.prepare('UPDATE books SET published_build_id = ?, published_at = ? WHERE slug = ?').bind(buildId, at, book.slug),
    env.DB.prepare('INSERT INTO publications (book_slug, build_id, published_at) VALUES (?, ?, ?)').bind(book.slug, buildId, at),
  ]);
  return { buildId };
}

/** A book that exists but was never published: it must stay invisible. */
export async function unpublishedFixture(slug: string, title: string): Promise<void> {
  const now = '2025-01-01T00:00:00.000Z';
  await env.DB.prepare(`INSERT INTO books (slug, kind, manifest, title, created_at, updated_at) VALUES (?1, 'book', '{}', ?2, ?3, ?3)`)
    .bind(slug, title, now)
    .run();
}

async function store(slug: string, hash: string, files: BuiltFile[], sample: boolean) {
  const rows = [];
  for (const file of files) {
    const r2Key = editionFileKey(slug, hash, file.format, sample);
    await env.BOOKS.put(r2Key, file.bytes, { httpMetadata: { contentType: file.mediaType } });
    rows.push({ format: fileFormat(file.format, sample), r2Key, size: file.size, sha256: file.sha256, pages: file.pages ?? null });
  }
  return rows;
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
