import { editionFiles, type PublishedBook } from '../catalog/editions.ts';
import type { Accessibility } from '../document/accessibility.ts';
import { FORMAT_REGISTRY, type Format } from '../formats/registry.ts';
import type { TocEntry } from '../pipeline/build.ts';

/** How a published book is shown to readers: the same links, covers and contents in the API, OPDS and the storefront. */

/** Absolute URLs of a book's public resources, built from the request's origin. */
export function bookLinks(origin: string, slug: string) {
  const api = `${origin}/api/v1/books/${encodeURIComponent(slug)}`;
  return {
    api,
    page: `${origin}/books/${encodeURIComponent(slug)}`,
    cover: `${api}/cover`,
    coverPng: `${api}/cover.png`,
    sample: (format: Format) => `${api}/sample.${FORMAT_REGISTRY[format].extension}`,
  };
}

/** Cover links, raster first: the stored image when its type is one OPDS readers must support, else the generated PNG and SVG. */
export function coverImages(origin: string, book: PublishedBook): { href: string; type: string; width?: number; height?: number }[] {
  const links = bookLinks(origin, book.slug);
  const ext = book.meta.cover?.split('.').pop()?.toLowerCase();
  const type = ext === 'png' ? 'image/png' : ext === 'jpg' || ext === 'jpeg' ? 'image/jpeg' : ext === 'gif' ? 'image/gif' : null;
  if (type) return [{ href: links.cover, type }];
  return [
    { href: links.coverPng, type: 'image/png', width: 400, height: 600 },
    { href: links.cover, type: 'image/svg+xml' },
  ];
}

/** An API item of a published book. */
export function presentBook(origin: string, book: PublishedBook) {
  const links = bookLinks(origin, book.slug);
  const { meta } = book;
  const samples = editionFiles(book, true).map(({ format, file }) => ({
    format,
    url: links.sample(format),
    bytes: file.size,
    ...(file.pages ? { pages: file.pages } : {}),
  }));
  return {
    slug: book.slug,
    title: meta.title,
    subtitle: meta.subtitle ?? null,
    language: meta.language,
    authors: meta.authors,
    publisher: meta.publisher ?? null,
    description: meta.description ?? null,
    tags: meta.tags,
    price: meta.price ?? null,
    tdm: { reserved: meta.tdm.reserved, policy: meta.tdm.policy ?? null },
    accessibility: meta.accessibility ?? null,
    edition: { id: book.buildId, date: meta.date, publishedAt: book.publishedAt },
    formats: editionFiles(book, false).map(({ format, file }) => ({
      format,
      bytes: file.size,
      sha256: file.sha256,
      ...(file.pages ? { pages: file.pages } : {}),
    })),
    samples,
    coverUrl: links.cover,
    sampleUrl: samples[0]?.url ?? null,
    url: links.page,
  };
}

/**
 * What the EPUB states about its accessibility as the Readium Web Publication
 * Manifest's accessibility object, which OPDS 2.0 publications carry. Its
 * `conformsTo` is a URI: EPUB Accessibility 1.1's claim strings have one.
 */
export function readiumAccessibility(a: Accessibility) {
  const conformsTo = a.conformsTo ? conformanceUri(a.conformsTo) : undefined;
  return {
    ...(conformsTo ? { conformsTo } : {}),
    ...(conformsTo && a.certifiedBy ? { certification: { certifiedBy: a.certifiedBy } } : {}),
    summary: a.accessibilitySummary,
    accessMode: a.accessMode,
    accessModeSufficient: a.accessModeSufficient.map((set) => set.split(',')),
    feature: a.accessibilityFeature,
    hazard: a.accessibilityHazard,
  };
}

/** `EPUB Accessibility 1.1 - WCAG 2.1 Level AA` → https://www.w3.org/TR/epub-a11y-11#wcag-2.1-aa; a URI stays; anything else has none. */
function conformanceUri(claim: string): string | undefined {
  const epub = /^EPUB Accessibility 1\.1 - WCAG (2\.[0-2]) Level (A{1,3})$/.exec(claim);
  if (epub) return `https://www.w3.org/TR/epub-a11y-11#wcag-${epub[1]}-${epub[2].toLowerCase()}`;
  return /^https?:\/\//.test(claim) ? claim : undefined;
}

/** Chapters grouped by part, in reading order. */
export function groupToc(chapters: TocEntry[]): { part: string | null; chapters: Omit<TocEntry, 'part'>[] }[] {
  const groups: { part: string | null; chapters: Omit<TocEntry, 'part'>[] }[] = [];
  for (const { part, ...chapter } of chapters) {
    const last = groups[groups.length - 1];
    if (last && last.part === (part ?? null)) last.chapters.push(chapter);
    else groups.push({ part: part ?? null, chapters: [chapter] });
  }
  return groups;
}
