import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { storeImage } from '../catalog/assets.ts';
import { ArticleRepository } from '../catalog/articles.ts';
import { BookRepository } from '../catalog/books.ts';
import { BuildRequests } from '../worker/build-requests.ts';
import { assertPublishable } from '../worker/consent-rebuilds.ts';
import { BuildRepository, type BuildDetail, type BuildRecord } from '../catalog/builds.ts';
import { apiManifestSchema, articleFiltersSchema, bundleSchema, mintTokenSchema } from '../catalog/schemas.ts';
import { TokenService } from '../catalog/tokens.ts';
import { BinderyError } from '../errors.ts';
import { requireScope, type EditorEnv } from './auth.ts';
import * as S from './editor-schemas.ts';
import { errorResponses, problemContent, SlugParam } from './openapi-shapes.ts';
import { errorProblem, problem, PROBLEM_JSON, problemResponse } from './problem.ts';
import { deploymentTdm } from '../tdm.ts';

/** Request bodies above this are refused with 413 before they are read. */
export const MAX_BODY_BYTES = 20 * 1024 * 1024;

const limitBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => problemResponse(problem(413, `The request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB.`)),
});
const editor = requireScope('editor');
const admin = requireScope('admin');
const security = [{ bearer: [] }];
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

/**
 * The editor API under /api/v1: tokens, the article pool, books and topic
 * bundles, builds and publishing. Handlers only translate HTTP; the work is
 * done by the services in src/catalog. The editor's views of books live under
 * /editor/books because GET /books belongs to the public API (published only).
 */
export function editorRoutes(): OpenAPIHono<EditorEnv> {
  const app = new OpenAPIHono<EditorEnv>();
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/tokens',
      tags: ['editor'],
      summary: 'Mint a scoped API token (admin)',
      security,
      middleware: [admin, limitBody],
      request: { body: { required: true, content: { 'application/json': { schema: mintTokenSchema } } } },
      responses: { 201: json(S.TokenSchema, 'The token; its secret is shown only here'), ...errorResponses(400, 401, 403) },
    }),
    async (c) => {
      const { name, scopes } = c.req.valid('json');
      const minted = await new TokenService(c.env.DB, c.env.ADMIN_TOKEN).mint(name, scopes);
      return c.json({ id: minted.tokenId, name: minted.name, scopes: minted.scopes, token: minted.token, createdAt: minted.createdAt }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/tokens/{id}',
      tags: ['editor'],
      summary: 'Revoke a token (admin)',
      security,
      middleware: [admin],
      request: { params: S.IdParam },
      responses: { 204: { description: 'Revoked' }, ...errorResponses(401, 403, 404) },
    }),
    async (c) => {
      await new TokenService(c.env.DB, c.env.ADMIN_TOKEN).revoke(c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/articles/{id}',
      tags: ['editor'],
      summary: 'Create or replace a pool article (Markdown with front matter)',
      security,
      middleware: [editor, limitBody],
      request: {
        params: S.ArticleIdParam,
        body: {
          required: false,
          content: {
            'text/markdown': { schema: { type: 'string' } },
            'text/plain': { schema: { type: 'string' } },
            'application/json': { schema: z.strictObject({ markdown: z.string().min(1) }).openapi('ArticleUpload') },
          },
        },
      },
      responses: {
        200: json(S.ArticleSummarySchema, 'Replaced'),
        201: json(S.ArticleSummarySchema, 'Created'),
        ...errorResponses(400, 401, 403, 413, 415, 422),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const isJson = /json/i.test(c.req.header('content-type') ?? '');
      // JSON bodies were validated against ArticleUpload by the route already.
      const markdown = isJson ? (await c.req.json<{ markdown: string }>()).markdown : await c.req.text();
      if (!markdown) throw new BinderyError('invalid-input', 'the request body is empty; send the article as text/markdown', { field: 'body' });
      const { article, created } = await new ArticleRepository(c.env.DB).put(id, markdown);
      return c.json(article, created ? 201 : 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/articles/{id}/assets/{path}',
      tags: ['editor'],
      summary: "Upload an image an article references (raw bytes; the type is read from the content)",
      security,
      middleware: [editor, limitBody],
      request: {
        params: S.ArticleAssetParams,
        body: { required: true, content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } },
      },
      responses: { 201: json(S.AssetSchema, 'Stored'), ...errorResponses(400, 401, 403, 404, 413, 422) },
    }),
    async (c) => {
      const { id, path } = c.req.valid('param');
      const stored = await storeImage(c.env.BOOKS, new Uint8Array(await c.req.arrayBuffer()), path);
      await new ArticleRepository(c.env.DB).putAsset(id, path, stored);
      return c.json({ path, mediaType: stored.mediaType, size: stored.size, sha256: stored.sha256 }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/articles',
      tags: ['editor'],
      summary: 'List pool articles (filters: tag, author, date range, text in title; cursor pagination)',
      security,
      middleware: [editor],
      request: { query: articleFiltersSchema },
      responses: { 200: json(S.ArticleListSchema, 'A page of articles'), ...errorResponses(400, 401, 403) },
    }),
    async (c) => c.json(await new ArticleRepository(c.env.DB).list(c.req.valid('query')), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/articles/{id}',
      tags: ['editor'],
      summary: 'Get an article with its Markdown and images',
      security,
      middleware: [editor],
      request: { params: S.ArticleIdParam },
      responses: { 200: json(S.ArticleSchema, 'The article'), ...errorResponses(401, 403, 404) },
    }),
    async (c) => c.json(await new ArticleRepository(c.env.DB).get(c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/articles/{id}',
      tags: ['editor'],
      summary: 'Delete an article (published editions keep their built files)',
      security,
      middleware: [editor],
      request: { params: S.ArticleIdParam },
      responses: { 204: { description: 'Deleted' }, ...errorResponses(401, 403, 404) },
    }),
    async (c) => {
      await new ArticleRepository(c.env.DB).delete(c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/books/{slug}',
      tags: ['editor'],
      summary: 'Create or replace a book manifest (book.yaml fields; chapters name article ids)',
      security,
      middleware: [editor, limitBody],
      request: { params: SlugParam, body: { required: true, content: { 'application/json': { schema: apiManifestSchema } } } },
      responses: {
        200: json(S.BookSummarySchema, 'Replaced'),
        201: json(S.BookSummarySchema, 'Created'),
        ...errorResponses(400, 401, 403, 409, 413),
      },
    }),
    async (c) => {
      const { book, created } = await new BookRepository(c.env.DB).put(c.req.valid('param').slug, { kind: 'book', manifest: c.req.valid('json') });
      return c.json(book, created ? 201 : 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/books/{slug}/assets/{path}',
      tags: ['editor'],
      summary: "Upload a file the manifest names (the cover)",
      security,
      middleware: [editor, limitBody],
      request: {
        params: S.BookAssetParams,
        body: { required: true, content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } },
      },
      responses: { 201: json(S.AssetSchema, 'Stored'), ...errorResponses(400, 401, 403, 404, 413, 422) },
    }),
    async (c) => {
      const { slug, path } = c.req.valid('param');
      const stored = await storeImage(c.env.BOOKS, new Uint8Array(await c.req.arrayBuffer()), path);
      await new BookRepository(c.env.DB).putAsset(slug, path, stored);
      return c.json({ path, mediaType: stored.mediaType, size: stored.size, sha256: stored.sha256 }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/bundles/{slug}',
      tags: ['editor'],
      summary: 'Create or replace a topic bundle: a book made from a query over the pool, resolved at each build',
      security,
      middleware: [editor, limitBody],
      request: { params: SlugParam, body: { required: true, content: { 'application/json': { schema: bundleSchema } } } },
      responses: {
        200: json(S.BookSummarySchema, 'Replaced'),
        201: json(S.BookSummarySchema, 'Created'),
        ...errorResponses(400, 401, 403, 409, 413),
      },
    }),
    async (c) => {
      const { book, created } = await new BookRepository(c.env.DB).put(c.req.valid('param').slug, { kind: 'bundle', manifest: c.req.valid('json') });
      return c.json(book, created ? 201 : 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/editor/books',
      tags: ['editor'],
      summary: 'List books and bundles, published or not',
      security,
      middleware: [editor],
      responses: { 200: json(z.object({ items: z.array(S.BookSummarySchema) }), 'Every book'), ...errorResponses(401, 403) },
    }),
    async (c) => c.json({ items: await new BookRepository(c.env.DB).list() }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/editor/books/{slug}',
      tags: ['editor'],
      summary: 'Get a book: manifest, publication history and builds',
      security,
      middleware: [editor],
      request: { params: SlugParam },
      responses: { 200: json(S.BookSchema, 'The book'), ...errorResponses(401, 403, 404) },
    }),
    async (c) => {
      const { slug } = c.req.valid('param');
      const book = await new BookRepository(c.env.DB).get(slug);
      const builds = await new BuildRepository(c.env.DB).listForBook(slug);
      return c.json({ ...book, manifest: book.manifest as Record<string, unknown>, builds: builds.map(buildSummary) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/books/{slug}/builds',
      tags: ['editor'],
      summary: 'Queue a build; the same content returns its existing build instead of building twice',
      security,
      middleware: [editor],
      request: { params: SlugParam },
      responses: {
        200: json(S.BuildSchema, 'A build of this exact content already exists'),
        202: json(S.BuildSchema, 'Queued'),
        422: { description: 'The content cannot be built: the error names the article and line; no build is recorded', content: problemContent },
        ...errorResponses(401, 403, 404),
      },
    }),
    async (c) => {
      const requests = new BuildRequests(c.env.DB, c.env.BOOKS, c.env.BUILDS, deploymentTdm(c.env));
      const outcome = await requests.request(c.req.valid('param').slug);
      if ('invalid' in outcome) {
        // 422 whatever the check that refused the content: it is the editor's to fix, not a malformed request.
        const { code, message, ...where } = outcome.invalid;
        return c.json(errorProblem(new BinderyError(code, message, where), 422), 422, { 'Content-Type': PROBLEM_JSON });
      }
      return c.json(buildBody(outcome.build, []), outcome.created ? 202 : 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/builds/{id}',
      tags: ['editor'],
      summary: "A build's status, progress, error (article and line) and files",
      security,
      middleware: [editor],
      request: { params: S.IdParam },
      responses: { 200: json(S.BuildSchema, 'The build'), ...errorResponses(401, 403, 404) },
    }),
    async (c) => {
      const build = await new BuildRepository(c.env.DB).get(c.req.valid('param').id);
      return c.json(buildBody(build, build.files), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/builds/{id}/files/{format}',
      tags: ['editor'],
      summary: 'Download a built file (editor preview)',
      security,
      middleware: [editor],
      request: { params: S.BuildFileParams },
      responses: {
        200: { description: 'The file', content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } },
        ...errorResponses(401, 403, 404),
      },
    }),
    async (c) => {
      const { id, format } = c.req.valid('param');
      const file = (await new BuildRepository(c.env.DB).get(id)).files.find((f) => f.format === format);
      const object = file ? await c.env.BOOKS.get(file.r2Key) : null;
      if (!file || !object) throw new BinderyError('not-found', `build "${id}" has no ${format} file`, { field: 'format' });
      const headers = new Headers();
      object.writeHttpMetadata(headers);
      headers.set('content-length', String(object.size));
      headers.set('etag', object.httpEtag);
      return new Response(object.body, { status: 200, headers });
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/books/{slug}/publish',
      tags: ['editor'],
      summary: 'Make a ready build the edition on sale (publishing an earlier build rolls back)',
      security,
      middleware: [editor, limitBody],
      request: { params: SlugParam, body: { required: true, content: { 'application/json': { schema: S.PublishSchema } } } },
      responses: { 200: json(S.PublicationSchema, 'Published'), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { slug } = c.req.valid('param');
      const { buildId } = c.req.valid('json');
      // Publishing (or rolling back to) an edition holding withdrawn content is refused, naming it.
      await assertPublishable(c.env.DB, c.env.BOOKS, slug, buildId);
      const publication = await new BookRepository(c.env.DB).publish(slug, buildId);
      return c.json({ book: slug, ...publication }, 200);
    },
  );

  return app;
}

function buildSummary(build: BuildRecord) {
  return {
    id: build.id,
    book: build.bookSlug,
    status: build.status,
    progress: build.progress,
    contentHash: build.contentHash,
    error: build.error,
    createdAt: build.createdAt,
    updatedAt: build.updatedAt,
  };
}

function buildBody(build: BuildRecord, files: BuildDetail['files']) {
  return {
    ...buildSummary(build),
    files: files.map((f) => ({
      format: f.format,
      size: f.size,
      sha256: f.sha256,
      pages: f.pages,
      href: `/api/v1/builds/${build.id}/files/${f.format}`,
    })),
  };
}
