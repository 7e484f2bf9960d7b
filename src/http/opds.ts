import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { editionFiles, pageCount, type PublishedBook } from '../catalog/editions.ts';
import { PublicCatalog } from '../catalog/public-queries.ts';
import { bookSlugSchema } from '../catalog/schemas.ts';
import { attr, attrs, text, XML_DECLARATION } from '../xml.ts';
import { servesBook } from './tdm-headers.ts';
import type { AppEnv } from './app.ts';
import { bookLinks, coverImages, readiumAccessibility } from './book-presenter.ts';
import { errorResponses } from './openapi-shapes.ts';
import { originOf, requestUrl } from './origin.ts';
import { METADATA_CACHE, publicRead, publicRouter } from './public.ts';
import { FORMAT_REGISTRY } from '../formats/registry.ts';

/**
 * OPDS catalogs for e-reader apps: OPDS 2.0 (JSON) at /opds and OPDS 1.2
 * (Atom) at /opds/v1.2/catalog.xml. Every URL is absolute and every link
 * carries its media type — strict readers (KOReader) stumble otherwise.
 */

export const OPDS2 = 'application/opds+json';
export const OPDS2_PUBLICATION = 'application/opds-publication+json';
export const ATOM_ACQUISITION = 'application/atom+xml;profile=opds-catalog;kind=acquisition';
const OPENSEARCH = 'application/opensearchdescription+xml';

const PAGE_SIZE = 25;
const CATALOG_TITLE = 'Bindery handbooks';

interface Link {
  href: string;
  type: string;
  rel?: string | string[];
  title?: string;
  templated?: boolean;
  width?: number;
  height?: number;
  properties?: Record<string, unknown>;
}

function opdsUrls(origin: string) {
  return {
    root: `${origin}/opds`,
    publications: `${origin}/opds/publications`,
    search: `${origin}/opds/publications{?query}`,
    publication: (slug: string) => `${origin}/opds/books/${encodeURIComponent(slug)}`,
    atom: `${origin}/opds/v1.2/catalog.xml`,
    atomSearch: `${origin}/opds/v1.2/catalog.xml?query={searchTerms}`,
    openSearch: `${origin}/opds/v1.2/opensearch.xml`,
  };
}

/** One OPDS 2.0 publication: metadata, buy link with price to the storefront, open-access samples, covers. */
export function opdsPublication(origin: string, book: PublishedBook) {
  const { meta } = book;
  const links = bookLinks(origin, book.slug);
  const urls = opdsUrls(origin);
  const pages = pageCount(book);
  const acquisition: Link[] = [
    {
      rel: 'http://opds-spec.org/acquisition/buy',
      href: links.page,
      type: 'text/html',
      title: 'Buy',
      properties: {
        ...(meta.price ? { price: { value: meta.price.amount, currency: meta.price.currency } } : {}),
        indirectAcquisition: editionFiles(book, false).map(({ format }) => ({ type: FORMAT_REGISTRY[format].mediaType })),
      },
    },
  ];
  for (const { format } of editionFiles(book, true)) {
    const { mediaType, label } = FORMAT_REGISTRY[format];
    acquisition.push({ rel: 'http://opds-spec.org/acquisition/open-access', href: links.sample(format), type: mediaType, title: `Free sample (${label})` });
  }
  return {
    metadata: {
      '@type': 'http://schema.org/Book',
      identifier: meta.isbn ? `urn:isbn:${meta.isbn.replace(/-/g, '')}` : meta.identifier,
      title: meta.title,
      ...(meta.subtitle ? { subtitle: meta.subtitle } : {}),
      author: meta.authors,
      ...(meta.publisher ? { publisher: meta.publisher } : {}),
      language: meta.language,
      published: meta.date,
      modified: new Date(book.publishedAt).toISOString(),
      ...(meta.description ? { description: meta.description } : {}),
      ...(meta.tags.length ? { subject: meta.tags } : {}),
      ...(pages ? { numberOfPages: pages } : {}),
      // The Readium Web Publication Manifest's TDMRep property.
      tdm: { reservation: meta.tdm.reserved ? 'all' : 'none', ...(meta.tdm.policy ? { policy: meta.tdm.policy } : {}) },
      ...(meta.accessibility ? { accessibility: readiumAccessibility(meta.accessibility) } : {}),
    },
    links: [
      { rel: 'self', href: urls.publication(book.slug), type: OPDS2_PUBLICATION },
      { rel: 'alternate', href: links.page, type: 'text/html' },
      ...acquisition,
    ],
    images: coverImages(origin, book),
  };
}

const SlugParam = z.object({ slug: bookSlugSchema.openapi({ param: { name: 'slug', in: 'path' } }) });
const FeedQuery = z.object({
  cursor: z.string().max(500).optional().openapi({ param: { name: 'cursor', in: 'query' } }),
  query: z.string().min(1).max(200).optional().openapi({ param: { name: 'query', in: 'query' }, description: 'Search words' }),
  tag: z.string().min(1).max(100).optional().openapi({ param: { name: 'tag', in: 'query' } }),
});
const jsonDoc = (type: string, description: string) => ({ description, content: { [type]: { schema: z.record(z.string(), z.unknown()) } } });

function respond(c: Context, body: string, type: string): Response {
  c.header('Cache-Control', METADATA_CACHE);
  c.header('Content-Type', `${type}; charset=utf-8`);
  return c.body(body, 200);
}

export function opdsRoutes(): OpenAPIHono<AppEnv> {
  const app = publicRouter('/opds');

  app.openapi(
    createRoute({
      method: 'get',
      path: '/opds',
      tags: ['opds'],
      summary: 'OPDS 2.0 navigation feed (the catalog root)',
      middleware: publicRead,
      responses: { 200: jsonDoc(OPDS2, 'Navigation feed') },
    }),
    async (c) => {
      const origin = originOf(c);
      const urls = opdsUrls(origin);
      const catalog = new PublicCatalog(c.env.DB);
      const [count, tags] = await Promise.all([catalog.count(), catalog.tags()]);
      const feed = {
        metadata: { title: CATALOG_TITLE, numberOfItems: count },
        links: [
          { rel: 'self', href: urls.root, type: OPDS2 },
          { rel: 'start', href: urls.root, type: OPDS2 },
          { rel: 'search', href: urls.search, type: OPDS2, templated: true },
          { rel: 'alternate', href: urls.atom, type: ATOM_ACQUISITION },
        ],
        navigation: [
          { href: urls.publications, title: 'All books, newest first', type: OPDS2, rel: 'http://opds-spec.org/sort/new', properties: { numberOfItems: count } },
          ...tags.map((t) => ({
            href: `${urls.publications}?tag=${encodeURIComponent(t.tag)}`,
            title: t.tag,
            type: OPDS2,
            rel: 'subsection',
            properties: { numberOfItems: t.books },
          })),
        ],
      };
      return respond(c, JSON.stringify(feed), OPDS2);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/opds/publications',
      tags: ['opds'],
      summary: 'OPDS 2.0 publications feed, newest first, paginated; `query` searches, `tag` filters',
      middleware: publicRead,
      request: { query: FeedQuery },
      responses: { 200: jsonDoc(OPDS2, 'Publications feed'), ...errorResponses(400) },
    }),
    async (c) => {
      const { cursor, query, tag } = c.req.valid('query');
      const origin = originOf(c);
      const urls = opdsUrls(origin);
      const page = await new PublicCatalog(c.env.DB).list({ q: query, tag }, PAGE_SIZE, cursor);
      const self = requestUrl(c);
      const links: Link[] = [
        { rel: 'self', href: self.toString(), type: OPDS2 },
        { rel: 'start', href: urls.root, type: OPDS2 },
        { rel: 'search', href: urls.search, type: OPDS2, templated: true },
      ];
      if (page.next) {
        self.searchParams.set('cursor', page.next);
        links.push({ rel: 'next', href: self.toString(), type: OPDS2 });
      }
      if (cursor) {
        const first = requestUrl(c);
        first.searchParams.delete('cursor');
        links.push({ rel: 'first', href: first.toString(), type: OPDS2 });
      }
      const title = query ? `Search: ${query}` : tag ? `Tag: ${tag}` : 'All books';
      const feed = {
        metadata: { title, itemsPerPage: PAGE_SIZE },
        links,
        publications: page.items.map((b) => opdsPublication(origin, b)),
      };
      return respond(c, JSON.stringify(feed), OPDS2);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/opds/books/{slug}',
      tags: ['opds'],
      summary: 'One OPDS 2.0 publication',
      middleware: publicRead,
      request: { params: SlugParam },
      responses: { 200: jsonDoc(OPDS2_PUBLICATION, 'The publication'), ...errorResponses(400, 404) },
    }),
    async (c) => {
      const book = await new PublicCatalog(c.env.DB).get(c.req.valid('param').slug);
      servesBook(c, book.meta.tdm);
      return respond(c, JSON.stringify(opdsPublication(originOf(c), book)), OPDS2_PUBLICATION);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/opds/v1.2/catalog.xml',
      tags: ['opds'],
      summary: 'OPDS 1.2 acquisition feed (Atom) for older readers, newest first, paginated',
      middleware: publicRead,
      request: { query: FeedQuery },
      responses: {
        200: { description: 'Atom acquisition feed', content: { [ATOM_ACQUISITION]: { schema: z.string() } } },
        ...errorResponses(400),
      },
    }),
    async (c) => {
      const { cursor, query, tag } = c.req.valid('query');
      const origin = originOf(c);
      const page = await new PublicCatalog(c.env.DB).list({ q: query, tag }, PAGE_SIZE, cursor);
      const self = requestUrl(c);
      const next = page.next ? new URL(self) : null;
      next?.searchParams.set('cursor', page.next!);
      return respond(c, atomFeed(origin, self.toString(), next?.toString() ?? null, page.items, query), 'application/atom+xml;profile=opds-catalog;kind=acquisition');
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/opds/v1.2/opensearch.xml',
      tags: ['opds'],
      summary: 'OpenSearch description of the OPDS 1.2 catalog search, as OPDS 1.2 readers look it up',
      middleware: publicRead,
      responses: { 200: { description: 'OpenSearch description', content: { [OPENSEARCH]: { schema: z.string() } } } },
    }),
    (c) => respond(c, openSearchDescription(originOf(c)), OPENSEARCH),
  );

  return app;
}

function openSearchDescription(origin: string): string {
  const urls = opdsUrls(origin);
  return (
    XML_DECLARATION +
    '<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">\n' +
    `  <ShortName>${text(CATALOG_TITLE)}</ShortName>\n` +
    `  <Description>${text(`Search ${CATALOG_TITLE} by title, author or description`)}</Description>\n` +
    '  <InputEncoding>UTF-8</InputEncoding>\n' +
    '  <OutputEncoding>UTF-8</OutputEncoding>\n' +
    `  <Url type="${attr(ATOM_ACQUISITION)}" template="${attr(urls.atomSearch)}"/>\n` +
    '</OpenSearchDescription>\n'
  );
}

/** The OPDS 1.2 feed: one entry per book with buy, sample, cover and page links. */
function atomFeed(origin: string, self: string, next: string | null, books: PublishedBook[], query: string | undefined): string {
  const urls = opdsUrls(origin);
  const updated = books.reduce((latest, b) => (b.publishedAt > latest ? b.publishedAt : latest), '1970-01-01T00:00:00.000Z');
  const link = (l: Record<string, string | undefined>) => `  <link${attrs(l)}/>\n`;
  return (
    XML_DECLARATION +
    '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/terms/" xmlns:opds="http://opds-spec.org/2010/catalog">\n' +
    `  <id>${text(self)}</id>\n` +
    `  <title>${text(query ? `${CATALOG_TITLE}: ${query}` : CATALOG_TITLE)}</title>\n` +
    `  <updated>${new Date(updated).toISOString()}</updated>\n` +
    `  <author><name>Bindery</name><uri>${text(origin)}</uri></author>\n` +
    link({ rel: 'self', href: self, type: ATOM_ACQUISITION }) +
    link({ rel: 'start', href: urls.atom, type: ATOM_ACQUISITION }) +
    link({ rel: 'search', href: urls.openSearch, type: OPENSEARCH, title: 'Search' }) +
    link({ rel: 'search', href: urls.atomSearch, type: 'application/atom+xml', title: 'Search' }) +
    link({ rel: 'alternate', href: urls.root, type: OPDS2 }) +
    (next ? link({ rel: 'next', href: next, type: ATOM_ACQUISITION }) : '') +
    books.map((b) => atomEntry(origin, b)).join('') +
    '</feed>\n'
  );
}

function atomEntry(origin: string, book: PublishedBook): string {
  const { meta } = book;
  const links = bookLinks(origin, book.slug);
  const cover = coverImages(origin, book).find((l) => l.type !== 'image/svg+xml')!;
  const price = meta.price ? `<opds:price currencycode="${attr(meta.price.currency)}">${meta.price.amount}</opds:price>` : '';
  const indirect = editionFiles(book, false)
    .map(({ format }) => `<opds:indirectAcquisition type="${FORMAT_REGISTRY[format].mediaType}"/>`)
    .join('');
  const samples = editionFiles(book, true)
    .map(({ format }) => {
      const { mediaType, label } = FORMAT_REGISTRY[format];
      return `    <link${attrs({ rel: 'http://opds-spec.org/acquisition/open-access', href: links.sample(format), type: mediaType, title: `Free sample (${label})` })}/>\n`;
    })
    .join('');
  return (
    '  <entry>\n' +
    `    <id>${text(meta.identifier)}</id>\n` +
    `    <title>${text(meta.title)}</title>\n` +
    meta.authors.map((a) => `    <author><name>${text(a)}</name></author>\n`).join('') +
    `    <updated>${new Date(book.publishedAt).toISOString()}</updated>\n` +
    `    <dc:language>${text(meta.language)}</dc:language>\n` +
    `    <dc:issued>${text(meta.date)}</dc:issued>\n` +
    (meta.publisher ? `    <dc:publisher>${text(meta.publisher)}</dc:publisher>\n` : '') +
    meta.tags.map((t) => `    <category${attrs({ term: t, label: t })}/>\n`).join('') +
    (meta.description ? `    <summary type="text">${text(meta.description)}</summary>\n` : '') +
    `    <link${attrs({ rel: 'http://opds-spec.org/image', href: cover.href, type: cover.type })}/>\n` +
    `    <link${attrs({ rel: 'http://opds-spec.org/image/thumbnail', href: cover.href, type: cover.type })}/>\n` +
    `    <link${attrs({ rel: 'http://opds-spec.org/acquisition/buy', href: links.page, type: 'text/html', title: 'Buy' })}>${price}${indirect}</link>\n` +
    samples +
    `    <link${attrs({ rel: 'alternate', href: links.page, type: 'text/html' })}/>\n` +
    '  </entry>\n'
  );
}
