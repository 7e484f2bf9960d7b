import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { PublicCatalog } from '../../catalog/public-queries.ts';
import { bookSlugSchema } from '../../catalog/schemas.ts';
import { BinderyError } from '../../errors.ts';
import type { AppEnv } from '../app.ts';
import { errorResponses } from '../openapi-shapes.ts';
import { validationHook } from '../openapi.ts';
import { originOf } from '../origin.ts';
import { METADATA_CACHE } from '../public.ts';
import { BookPage } from './book-page.tsx';
import { CatalogPage } from './catalog-page.tsx';
import { languageOf } from '../../language/index.ts';
import { Layout } from './layout.tsx';
import { AccessibilityPage } from './accessibility-page.tsx';
import { STATEMENT_LANGUAGES } from './statement-path.ts';
import { pageHeaders } from '../security-headers.ts';
import { servesBook } from '../tdm-headers.ts';

const PAGE_SIZE = 24;
const html = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });

const CatalogQuery = z.object({
  q: z.string().max(200).optional().openapi({ param: { name: 'q', in: 'query' } }),
  tag: z.string().max(100).optional().openapi({ param: { name: 'tag', in: 'query' } }),
  cursor: z.string().max(500).optional().openapi({ param: { name: 'cursor', in: 'query' } }),
});
const SlugParam = z.object({ slug: bookSlugSchema.openapi({ param: { name: 'slug', in: 'path' } }) });

/** The storefront: server-rendered HTML, no client script. */
export function storeRoutes(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['storefront'],
      summary: 'The catalog page: covers, titles, prices, search and tag filter',
      request: { query: CatalogQuery },
      responses: { 200: html('The catalog'), ...errorResponses(400) },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const q = query.q?.trim() || undefined;
      const tag = query.tag?.trim() || undefined;
      const catalog = new PublicCatalog(c.env.DB);
      const [page, tags] = await Promise.all([catalog.list({ q, tag }, PAGE_SIZE, query.cursor), catalog.tags()]);
      let nextUrl: string | null = null;
      if (page.next) {
        const url = new URL(c.req.url);
        url.searchParams.set('cursor', page.next);
        nextUrl = `${url.pathname}${url.search}`;
      }
      c.header('Cache-Control', METADATA_CACHE);
      return c.html(<CatalogPage view={{ books: page.items, tags, q, tag, nextUrl }} />, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/books/{slug}',
      tags: ['storefront'],
      summary: 'A book page: cover, description, contents, formats, free samples and the buy form',
      request: { params: SlugParam },
      responses: { 200: html('The book page'), 404: html('No published book at this address'), ...errorResponses(400) },
    }),
    async (c) => {
      const { slug } = c.req.valid('param');
      try {
        const book = await new PublicCatalog(c.env.DB).get(slug);
        servesBook(c, book.meta.tdm);
        c.header('Cache-Control', METADATA_CACHE);
        return c.html(<BookPage book={book} origin={originOf(c)} />, 200);
      } catch (err) {
        if (!(err instanceof BinderyError) || err.code !== 'not-found') throw err;
        const t = languageOf('en').words.store;
        return c.html(
          <Layout title={`${t.notFound} · Bindery`} lang="en">
            <h1>{t.notFound}</h1>
            <p>{t.notFoundText}</p>
            <p>
              <a href="/">{t.backToCatalog}</a>
            </p>
          </Layout>,
          404,
        );
      }
    },
  );

  // The statement is a page like the catalog: the same headers (src/http/app.ts sets them for the other page paths).
  app.use('/accessibility', pageHeaders);
  app.use('/accessibility/*', pageHeaders);
  app.openapi(
    createRoute({
      method: 'get',
      path: '/accessibility',
      tags: ['storefront'],
      summary: "The shop's accessibility statement: what the shop and its files conform to, what is still open, how to report a barrier",
      responses: { 200: html('The statement, in English') },
    }),
    (c) => {
      c.header('Cache-Control', METADATA_CACHE);
      return c.html(<AccessibilityPage lang="en" />, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/accessibility/{lang}',
      tags: ['storefront'],
      summary: 'The accessibility statement in another language',
      request: { params: z.object({ lang: z.enum(STATEMENT_LANGUAGES).openapi({ param: { name: 'lang', in: 'path' } }) }) },
      responses: { 200: html('The statement in that language'), ...errorResponses(400) },
    }),
    (c) => {
      c.header('Cache-Control', METADATA_CACHE);
      return c.html(<AccessibilityPage lang={c.req.valid('param').lang} />, 200);
    },
  );

  return app;
}
