import { createRoute, z } from '@hono/zod-openapi';
import { Downloads } from '../../commerce/downloads.ts';
import { problem, problemResponse } from '../problem.ts';
import type { AppEnv } from '../app.ts';
import { servesBook } from '../tdm-headers.ts';
import { commerceRouter, config, problems } from './common.ts';
import { contentDisposition, parseRange, rangeToHonour } from './http-files.ts';
import { FORMAT_REGISTRY, MEDIA_TYPES } from '../../formats/registry.ts';

/** Purchase-gated downloads of the buyer's stamped copy, with ranges for resuming. */
export function downloadRoutes() {
  const app = commerceRouter<AppEnv>();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/download/{token}',
      tags: ['commerce'],
      summary: "Download the buyer's stamped copy through a signed, expiring link",
      request: { params: z.object({ token: z.string().min(1).max(1000) }) },
      responses: {
        200: { description: 'The whole file', content: Object.fromEntries(MEDIA_TYPES.map((type) => [type, { schema: z.string() }])) },
        206: { description: 'The requested byte range' },
        ...problems({ 403: 'Expired, tampered, revoked or cross-book link, or the download limit is reached', 404: 'The edition lacks this format', 416: 'Range outside the file' }),
      },
    }),
    async (c) => {
      const downloads = new Downloads(c.env.DB, c.env.BOOKS, config(c.env));
      const clientIp = c.req.header('cf-connecting-ip') ?? 'unknown';
      const rangeOf = (copy: { size: number; sha256: string }) => parseRange(rangeToHonour(c.req.header('range'), c.req.header('if-range'), `"${copy.sha256}"`), copy.size);
      // HEAD (Hono answers it with this GET handler) tells the size without opening a download, and so does a range
      // outside the file (416): both are checked against the limit but never counted.
      const probe = c.req.method === 'HEAD';
      const { claims, edition, copy } = await downloads.admit(
        c.req.valid('param').token,
        clientIp,
        (copy) => !probe && rangeOf(copy).kind !== 'unsatisfiable',
      );
      servesBook(c, edition.meta.tdm);
      const range = rangeOf(copy);
      if (range.kind === 'unsatisfiable') {
        return problemResponse(problem(416, `The file has ${copy.size} bytes; the requested range is outside it.`), { 'content-range': `bytes */${copy.size}` });
      }
      const { mediaType, extension } = FORMAT_REGISTRY[claims.format];
      const headers = new Headers({
        'content-type': mediaType,
        'content-disposition': contentDisposition(`${edition.meta.title}.${extension}`, `${edition.slug}.${extension}`),
        etag: `"${copy.sha256}"`,
        'accept-ranges': 'bytes',
        'cache-control': 'private, no-store',
        'x-content-type-options': 'nosniff',
      });
      const partial = range.kind === 'partial';
      if (partial) headers.set('content-range', `bytes ${range.offset}-${range.offset + range.length - 1}/${copy.size}`);
      headers.set('content-length', String(partial ? range.length : copy.size));
      if (probe) return new Response(null, { status: partial ? 206 : 200, headers });
      // The R2 body stream goes straight into the response: no copy of the file is held in the isolate.
      const object = await c.env.BOOKS.get(copy.r2Key, partial ? { range: { offset: range.offset, length: range.length } } : {});
      if (!object) return problemResponse(problem(500, 'The stamped copy is missing from storage.'));
      return new Response(object.body, { status: partial ? 206 : 200, headers });
    },
  );

  return app;
}
