import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Hook } from '@hono/zod-openapi';
import { BinderyError } from '../errors.ts';
import { originOf } from './origin.ts';

/** Where the OpenAPI 3.1 document is served. */
export const OPENAPI_PATH = '/api/openapi.json';

/**
 * What every router does when a request fails its zod schema: an
 * `invalid-input` BinderyError naming the first field at fault, so the app's
 * error handler answers it like any other invalid input (400,
 * `https://bindery.dev/problems/invalid-input`).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const validationHook: Hook<any, any, any, any> = (result) => {
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.map(String).join('.');
    throw new BinderyError('invalid-input', issue?.message ?? 'invalid request', field ? { field } : {});
  }
};

/**
 * Serves the OpenAPI 3.1 document of every route the app declared with
 * `createRoute` (public, editor, commerce, OPDS, storefront). Call it after
 * all routers are mounted; the document is built per request with the
 * request's origin as the server.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function serveOpenApi(app: OpenAPIHono<any>): void {
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/healthz',
    tags: ['operations'],
    summary: 'Liveness check',
    responses: { 200: { description: 'The Worker answers', content: { 'application/json': { schema: z.object({ ok: z.boolean() }) } } } },
  });
  app.openapi(
    createRoute({
      method: 'get',
      path: OPENAPI_PATH,
      tags: ['operations'],
      summary: 'This OpenAPI 3.1 document',
      responses: { 200: { description: 'The document', content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } } },
    }),
    (c) => {
      const document = app.getOpenAPI31Document({
        openapi: '3.1.0',
        info: {
          title: 'Bindery',
          version: '1',
          description:
            'Handbooks built from Markdown article series, sold as EPUB and PDF. Public metadata and samples need no authentication; the editor API takes a bearer token.',
        },
        servers: [{ url: originOf(c) }],
        tags: [
          { name: 'public', description: 'Published books, covers and free samples (no authentication, CORS, cacheable)' },
          { name: 'opds', description: 'OPDS catalogs for e-reader apps' },
          { name: 'storefront', description: 'Server-rendered HTML pages' },
          { name: 'editor', description: 'Articles, books, builds and publishing (bearer token)' },
          { name: 'operations', description: 'Health and this document' },
        ],
      });
      c.header('Cache-Control', 'public, max-age=300');
      c.header('Access-Control-Allow-Origin', '*');
      return c.json(document as unknown as Record<string, unknown>, 200);
    },
  );
}
