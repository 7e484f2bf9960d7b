import { SELF } from 'cloudflare:test';
import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedCatalog } from './fixtures.ts';

const BASE = 'https://bindery.test';
const get = (path: string, headers: Record<string, string> = {}) => SELF.fetch(`${BASE}${path}`, { headers });

/** The EPUB Accessibility 1.1 metadata of an EPUB's package document, as the API names it. */
function packageAccessibility(epub: Uint8Array) {
  const opf = strFromU8(Object.entries(unzipSync(epub)).find(([path]) => path.endsWith('.opf'))![1]);
  const values = (property: string) => [...opf.matchAll(new RegExp(`<meta property="${property}">([^<]*)</meta>`, 'g'))].map((m) => m[1]);
  const [conformsTo] = values('dcterms:conformsTo');
  const [certifiedBy] = values('a11y:certifiedBy');
  return {
    accessMode: values('schema:accessMode'),
    accessModeSufficient: values('schema:accessModeSufficient'),
    accessibilityFeature: values('schema:accessibilityFeature'),
    accessibilityHazard: values('schema:accessibilityHazard'),
    accessibilitySummary: values('schema:accessibilitySummary')[0],
    ...(conformsTo ? { conformsTo } : {}),
    ...(certifiedBy ? { certifiedBy } : {}),
  };
}

beforeAll(async () => {
  await seedCatalog();
});

describe("a book's accessibility, as its EPUB states it", () => {
  it('is in the public API, word for word what the EPUB package says', async () => {
    const book = (await (await get('/api/v1/books/ai-video')).json()) as { accessibility: unknown; samples: { format: string; url: string }[] };
    const sample = new Uint8Array(await (await get(new URL(book.samples.find((s) => s.format === 'epub')!.url).pathname)).arrayBuffer());
    expect(book.accessibility).toEqual(packageAccessibility(sample));
    expect(book.accessibility).toMatchObject({ accessibilityHazard: ['none'], conformsTo: 'EPUB Accessibility 1.1 - WCAG 2.1 Level AA', accessibilitySummary: expect.stringContaining('目錄') });
  });

  it('is in OPDS 2.0 as the Readium accessibility object, with the claim as its URI', async () => {
    const publication = (await (await get('/opds/books/remote-newsroom')).json()) as { metadata: { accessibility: unknown } };
    expect(publication.metadata.accessibility).toEqual({
      conformsTo: 'https://www.w3.org/TR/epub-a11y-11#wcag-2.1-aa',
      summary: expect.stringContaining('table of contents'),
      accessMode: ['textual'],
      accessModeSufficient: [['textual']],
      feature: ['ARIA', 'displayTransformability', 'readingOrder', 'structuralNavigation', 'tableOfContents'],
      hazard: ['none'],
    });
  });

  it('is on the book page, in its language, and in its schema.org JSON-LD', async () => {
    const html = await (await get('/books/ai-video')).text();
    expect(html).toContain('<h2 id="accessibility">EPUB 無障礙資訊</h2>');
    expect(html).toContain('符合「<span lang="en">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</span>」。');
    const jsonLd = JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/s.exec(html)![1]);
    expect(jsonLd).toMatchObject({
      accessMode: ['textual'],
      accessModeSufficient: [{ '@type': 'ItemList', itemListElement: ['textual'] }],
      accessibilityFeature: expect.arrayContaining(['structuralNavigation', 'tableOfContents']),
      accessibilityHazard: ['none'],
      accessibilitySummary: expect.stringContaining('目錄'),
    });
  });
});
