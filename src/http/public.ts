import { LANGUAGE_TAG } from '../language/index.ts';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { etag, RETAINED_304_HEADERS } from 'hono/etag';
import { editionFile } from '../catalog/editions.ts';
import { coverKey, PublicCatalog, type PublishedBookDetail } from '../catalog/public-queries.ts';
import { bookSlugSchema } from '../catalog/schemas.ts';
import { sha256Hex } from '../crypto.ts';
import { sanitizeSvg } from '../document/svg.ts';
import { BinderyError } from '../errors.ts';
import type { AppEnv } from './app.ts';
import { groupToc, presentBook } from './book-presenter.ts';
import { errorResponses, SlugParam } from './openapi-shapes.ts';
import { originOf, requestUrl } from './origin.ts';
import { generatedCoverPng, generatedCoverSvg } from './store/cover.ts';
import { validationHook } from './openapi.ts';
import { storedFileHeaders } from './security-headers.ts';
import { servesBook } from './tdm-headers.ts';
import { FORMAT_REGISTRY, FORMATS } from '../formats/registry.ts';

/** Metadata may change on publish; a CDN keeps it briefly and serves stale while it refetches. */
export const METADATA_CACHE = 'public, max-age=60, s-maxage=300, stale-while-revalidate=86400';
/** Covers and samples change only with a new edition. */
export const FILE_CACHE = 'public, max-age=3600, s-maxage=86400, stale-while-revalidate=604800';

/**
 * Middleware of every public read: CORS for any origin (the data is public,
 * no credentials), and ETag/If-None-Match → 304 with the CORS and cache
 * headers kept on the 304.
 */
const publicCors = cors({ origin: '*', allowMethods: ['GET', 'HEAD'], allowHeaders: ['If-None-Match'], exposeHeaders: ['ETag', 'Link'] });

export const publicRead: MiddlewareHandler[] = [
  publicCors,
  etag({ retainedHeaders: [...RETAINED_304_HEADERS, 'access-control-allow-origin', 'access-control-expose-headers'] }),
];
/** Public reads of stored files (covers, samples). */
const fileRead: MiddlewareHandler[] = [...publicRead, storedFileHeaders];

/**
 * Answers CORS preflights (OPTIONS) under the public paths: a browser sends
 * one before a cross-origin GET carrying If-None-Match. Other methods pass
 * through, so editor routes under the same prefix keep their own handling.
 */
const publicPreflight: MiddlewareHandler = (c, next) => (c.req.method === 'OPTIONS' ? publicCors(c, next) : next());

/** A router for public reads under `prefix`, answering CORS preflights there. */
export function publicRouter(prefix: string): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use(prefix, publicPreflight);
  app.use(`${prefix}/*`, publicPreflight);
  return app;
}

const PriceSchema = z
  .object({ amount: z.number().openapi({ example: 12 }), currency: z.string().openapi({ example: 'USD' }) })
  .openapi('Price');

const FormatSchema = z
  .object({
    format: z.enum(FORMATS),
    bytes: z.number().int(),
    sha256: z.string(),
    pages: z.number().int().optional().openapi({ description: 'Page count, for paged formats (PDF)' }),
  })
  .openapi('BookFormat');

const SampleSchema = z
  .object({ format: z.enum(FORMATS), url: z.url(), bytes: z.number().int(), pages: z.number().int().optional() })
  .openapi('BookSample');

const EditionSchema = z
  .object({
    id: z.string().openapi({ description: 'Build id of the edition' }),
    date: z.string().openapi({ description: 'Edition date (YYYY-MM-DD)', example: '2025-09-30' }),
    publishedAt: z.string().openapi({ description: 'When this edition went on sale (ISO 8601)' }),
  })
  .openapi('Edition');

const AccessibilitySchema = z
  .object({
    accessMode: z.array(z.string()).openapi({ example: ['textual', 'visual'] }),
    accessModeSufficient: z.array(z.string()).openapi({ description: 'Each entry one sufficient set of access modes, joined by commas', example: ['textual', 'textual,visual'] }),
    accessibilityFeature: z.array(z.string()).openapi({ example: ['alternativeText', 'structuralNavigation', 'tableOfContents'] }),
    accessibilityHazard: z.array(z.string()).openapi({ example: ['none'] }),
    accessibilitySummary: z.string(),
    conformsTo: z.string().optional().openapi({ example: 'EPUB Accessibility 1.1 - WCAG 2.1 Level AA' }),
    certifiedBy: z.string().optional(),
  })
  .openapi('Accessibility', { description: 'schema.org accessibility properties, as in the EPUB package metadata' });

const PublicationSchema = EditionSchema.extend({
  removedArticles: z.number().int().openapi({ description: 'Articles this edition left out because their contributors withdrew consent (its changelog)' }),
}).openapi('Publication');

const PublicBookSchema = z
  .object({
    slug: bookSlugSchema,
    title: z.string(),
    subtitle: z.string().nullable(),
    language: z.string().openapi({ example: 'zh-Hant' }),
    authors: z.array(z.string()),
    publisher: z.string().nullable(),
    description: z.string().nullable(),
    tags: z.array(z.string()),
    price: PriceSchema.nullable(),
    tdm: z
      .object({ reserved: z.boolean(), policy: z.url().nullable() })
      .openapi('TdmReservation', { description: 'Whether the publisher reserves text and data mining, AI training included (W3C TDMRep), and where its licensing terms are' }),
    accessibility: AccessibilitySchema.nullable().openapi({ description: 'What the EPUB states about its accessibility (EPUB Accessibility 1.1); null for editions built before it was recorded' }),
    edition: EditionSchema,
    formats: z.array(FormatSchema),
    samples: z.array(SampleSchema),
    coverUrl: z.url(),
    sampleUrl: z.url().nullable().openapi({ description: 'The free sample, EPUB when there is one' }),
    url: z.url().openapi({ description: 'The storefront page' }),
  })
  .openapi('PublicBook');

const TocChapterSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    headings: z.array(z.object({ id: z.string(), level: z.number().int(), text: z.string() })),
  })
  .openapi('TocChapter');

const TocPartSchema = z
  .object({
    part: z.string().nullable().openapi({ description: 'Title of the part; null for chapters outside any part' }),
    chapters: z.array(TocChapterSchema),
  })
  .openapi('TocPart');

const PublicBookDetailSchema = PublicBookSchema.extend({
  toc: z.array(TocPartSchema),
  editions: z.array(PublicationSchema).openapi({ description: 'Every publication of the book, newest first (a rollback republishes an earlier build)' }),
}).openapi('PublicBookDetail');

const BookListSchema = z
  .object({
    items: z.array(PublicBookSchema),
    next: z.string().nullable().openapi({ description: 'Cursor of the next page; null on the last page' }),
    nextUrl: z.url().nullable(),
  })
  .openapi('PublicBookList');

export const ListQuery = z.object({
  cursor: z.string().max(500).optional().openapi({ param: { name: 'cursor', in: 'query' }, description: 'From `next` of the previous page' }),
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ param: { name: 'limit', in: 'query' }, example: 20 }),
  tag: z.string().min(1).max(100).optional().openapi({ param: { name: 'tag', in: 'query' }, example: 'journalism' }),
  lang: z
    .string()
    .regex(LANGUAGE_TAG, 'expected a language tag such as en or zh-Hant')
    .optional()
    .openapi({ param: { name: 'lang', in: 'query' }, description: 'Language tag; a prefix matches (zh matches zh-Hant)' }),
  q: z.string().min(1).max(200).optional().openapi({ param: { name: 'q', in: 'query' }, description: 'Words in the title, subtitle, authors or description', example: '影片' }),
});

const cacheHeaders = { ETag: { schema: { type: 'string' as const } }, 'Cache-Control': { schema: { type: 'string' as const } } };
const binary = (description: string, types: string[]) => ({
  description,
  headers: cacheHeaders,
  content: Object.fromEntries(types.map((t) => [t, { schema: z.string().openapi({ format: 'binary' }) }])),
});

function presentDetail(origin: string, book: PublishedBookDetail): z.output<typeof PublicBookDetailSchema> {
  return {
    ...presentBook(origin, book),
    toc: groupToc(book.chapters),
    editions: book.history.map((h) => ({ id: h.buildId, date: h.date, publishedAt: h.publishedAt, removedArticles: h.removedArticles })),
  };
}

/**
 * Streams an R2 object with its stored type; the ETag is its content hash, so a 304 needs no body read.
 * An SVG is cleaned on the way out as well: covers stored before uploads were cleaned may carry script.
 */
async function serveObject(bucket: R2Bucket, key: string, sha256: string | null, filename?: string): Promise<Response> {
  const object = await bucket.get(key);
  if (!object) throw new BinderyError('not-found', 'the file is missing from storage');
  const type = object.httpMetadata?.contentType ?? 'application/octet-stream';
  const clean = /^image\/svg\+xml\b/i.test(type) ? sanitizeSvg(new Uint8Array(await object.arrayBuffer())) : null;
  const headers = new Headers({
    'Content-Type': type,
    'Content-Length': String(clean ? clean.byteLength : object.size),
    'Cache-Control': FILE_CACHE,
    ETag: `"${clean ? await sha256Hex(clean) : (sha256 ?? object.etag)}"`,
  });
  if (filename) headers.set('Content-Disposition', `inline; filename="${filename}"`);
  return new Response(clean ?? object.body, { headers });
}

/**
 * The public metadata API: published books only, no authentication,
 * cacheable by a CDN, readable cross-origin.
 */
export function publicRoutes(): OpenAPIHono<AppEnv> {
  const app = publicRouter('/api/v1/books');

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/books',
      tags: ['public'],
      summary: 'List published books, newest first',
      description: 'Cursor pagination: pass `next` as `cursor` for the following page. Filters combine.',
      middleware: publicRead,
      request: { query: ListQuery },
      responses: {
        200: { description: 'A page of books', headers: cacheHeaders, content: { 'application/json': { schema: BookListSchema } } },
        ...errorResponses(400),
      },
    }),
    async (c) => {
      const { cursor, limit, ...filters } = c.req.valid('query');
      const page = await new PublicCatalog(c.env.DB).list(filters, limit, cursor);
      const origin = originOf(c);
      let nextUrl: string | null = null;
      if (page.next) {
        const url = requestUrl(c);
        url.searchParams.set('cursor', page.next);
        nextUrl = url.toString();
        c.header('Link', `<${nextUrl}>; rel="next"`);
      }
      c.header('Cache-Control', METADATA_CACHE);
      return c.json({ items: page.items.map((b) => presentBook(origin, b)), next: page.next, nextUrl }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/books/{slug}',
      tags: ['public'],
      summary: 'Get a published book with its table of contents and edition history',
      middleware: publicRead,
      request: { params: SlugParam },
      responses: {
        200: { description: 'The book', headers: cacheHeaders, content: { 'application/json': { schema: PublicBookDetailSchema } } },
        ...errorResponses(400, 404),
      },
    }),
    async (c) => {
      const book = await new PublicCatalog(c.env.DB).get(c.req.valid('param').slug);
      servesBook(c, book.meta.tdm);
      c.header('Cache-Control', METADATA_CACHE);
      return c.json(presentDetail(originOf(c), book), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/books/{slug}/cover',
      tags: ['public'],
      summary: "The edition's cover image, or a typographic SVG cover when the book has none",
      middleware: fileRead,
      request: { params: SlugParam },
      responses: {
        200: binary('The cover', ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/svg+xml']),
        ...errorResponses(400, 404),
      },
    }),
    async (c) => {
      const book = await new PublicCatalog(c.env.DB).edition(c.req.valid('param').slug);
      servesBook(c, book.meta.tdm);
      const key = await coverKey(c.env.BOOKS, book);
      if (key) return serveObject(c.env.BOOKS, key, null);
      c.header('Cache-Control', FILE_CACHE);
      c.header('Content-Type', 'image/svg+xml; charset=utf-8');
      return c.body(generatedCoverSvg(book.meta), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/books/{slug}/cover.png',
      tags: ['public'],
      summary: 'A PNG cover for clients that need a raster image (OPDS): the stored PNG cover, or a plain generated one',
      middleware: fileRead,
      request: { params: SlugParam },
      responses: { 200: binary('The cover as PNG', ['image/png']), ...errorResponses(400, 404) },
    }),
    async (c) => {
      const book = await new PublicCatalog(c.env.DB).edition(c.req.valid('param').slug);
      servesBook(c, book.meta.tdm);
      const key = await coverKey(c.env.BOOKS, book);
      const stored = key ? await c.env.BOOKS.head(key) : null;
      if (key && stored?.httpMetadata?.contentType === 'image/png') return serveObject(c.env.BOOKS, key, null);
      return new Response(generatedCoverPng(), { headers: { 'Content-Type': 'image/png', 'Cache-Control': FILE_CACHE } });
    },
  );

  for (const format of FORMATS) {
    const { extension, label, mediaType } = FORMAT_REGISTRY[format];
    app.openapi(
      createRoute({
        method: 'get',
        path: `/api/v1/books/{slug}/sample.${extension}`,
        tags: ['public'],
        summary: `The free ${label} sample of the published edition`,
        description: 'Front matter plus the chapters the manifest marks `sample: true` (or the first chapter). Not gated.',
        middleware: fileRead,
        request: { params: SlugParam },
        responses: {
          200: binary(`The ${label} sample`, [mediaType]),
          ...errorResponses(400, 404),
        },
      }),
      async (c) => {
        const { slug } = c.req.valid('param');
        const edition = await new PublicCatalog(c.env.DB).edition(slug);
        servesBook(c, edition.meta.tdm);
        const file = editionFile(edition, format, true);
        if (!file) throw new BinderyError('not-found', `"${slug}" has no ${label} sample`, { field: 'format' });
        return serveObject(c.env.BOOKS, file.r2Key, file.sha256, `${slug}-sample.${extension}`);
      },
    );
  }

  return app;
}
