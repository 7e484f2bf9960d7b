import { env, SELF } from 'cloudflare:test';
import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { publishFixture } from './fixtures.ts';

const BASE = 'https://bindery.test';

/** The published EPUB of a fixture, unzipped, straight from R2. */
async function publishedEpub(buildId: string): Promise<Record<string, string>> {
  const row = await env.DB.prepare("SELECT r2_key FROM build_files WHERE build_id = ? AND format = 'epub'").bind(buildId).first<{ r2_key: string }>();
  const object = await env.BOOKS.get(row!.r2_key);
  const files = unzipSync(new Uint8Array(await object!.arrayBuffer()));
  return Object.fromEntries(Object.entries(files).map(([path, data]) => [path.slice(path.lastIndexOf('/') + 1), strFromU8(data)]));
}

const BOOKS = [
  { slug: 'lang-hans', language: 'zh-Hans', contents: '目录', other: '目錄' },
  { slug: 'lang-hant', language: 'zh-Hant', contents: '目錄', other: '目录' },
] as const;
const builds = new Map<string, string>();

beforeAll(async () => {
  for (const book of BOOKS) {
    const { buildId } = await publishFixture({
      slug: book.slug,
      title: '語言測試手冊',
      language: book.language,
      authors: ['王小明', '陳大文'],
      publishedAt: '2025-02-01T00:00:00.000Z',
      chapters: ['第一章', '第二章'],
    });
    builds.set(book.slug, buildId);
  }
});

describe('the storefront and the EPUB speak the book language alike', () => {
  it.each(BOOKS)('$language: the book page and the EPUB nav both head the contents $contents', async ({ slug, contents, other }) => {
    const html = await (await SELF.fetch(`${BASE}/books/${slug}`, { headers: { accept: 'text/html' } })).text();
    expect(html).toContain(`<h2 id="contents">${contents}</h2>`);
    expect(html).not.toContain(other);
    expect(html).toContain('王小明、陳大文');

    const epub = await publishedEpub(builds.get(slug)!);
    expect(epub['nav.xhtml']).toContain(`<h1>${contents}</h1>`);
    expect(epub['nav.xhtml']).not.toContain(other);
    expect(epub['titlepage.xhtml']).toContain('王小明、陳大文');
  });

  it('serves as the generated cover the very SVG the EPUB carries', async () => {
    for (const { slug } of BOOKS) {
      const res = await SELF.fetch(`${BASE}/api/v1/books/${slug}/cover`);
      expect(res.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
      expect(await res.text()).toBe((await publishedEpub(builds.get(slug)!))['cover.svg']);
    }
  });
});
