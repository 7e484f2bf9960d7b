import { createRoute, z } from '@hono/zod-openapi';
import { Downloads } from '../../commerce/downloads.ts';
import { problem, problemResponse } from '../problem.ts';
import type { AppEnv } from '../app.ts';
import { commerceRouter, config, problems } from './common.ts';
import { contentDisposition, parseRange } from './http-files.ts';
import { MEDIA_TYPES } from '../../build/writer.ts';

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
        200: { description: 'The whole file', content: { 'application/epub+zip': { schema: z.string() }, 'application/pdf': { schema: z.string() } } },
        206: { description: 'The requested byte range' },
        ...problems({ 403: 'Expired, tampered, revoked or cross-book link, or the download limit is reached', 404: 'The edition lacks this format', 416: 'Range outside the file' }),
      },
    }),
    async (c) => {
      const downloads = new Downloads(c.env.DB, c.env.BOOKS, config(c.env));
      const target = await downloads.authorize(c.req.valid('param').token);
      const copy = await downloads.stampedCopy(target);
      const range = parseRange(c.req.header('range'), copy.size);
      if (range.kind === 'unsatisfiable') {
        return problemResponse(problem(416, `The file has ${copy.size} bytes; the requested range is outside it.`), { 'content-range': `bytes */${copy.size}` });
      }
      const startsDownload = range.kind === 'full' || range.offset === 0;
      const { counts } = await downloads.admit(target, startsDownload);
      const object = await c.env.BOOKS.get(copy.r2Key, range.kind === 'partial' ? { range: { offset: range.offset, length: range.length } } : {});
      if (!object) return problemResponse(problem(500, 'The stamped copy is missing from storage.'));
      if (counts) await downloads.log(target, c.req.header('cf-connecting-ip') ?? 'unknown');

      const format = target.claims.format;
      const headers = new Headers({
        'content-type': MEDIA_TYPES[format],
        'content-disposition': contentDisposition(`${target.edition.meta.title}.${format}`, `${target.edition.slug}.${format}`),
        etag: `"${copy.sha256}"`,
        'accept-ranges': 'bytes',
        'cache-control': 'private, no-store',
      });
      if (range.kind === 'partial') {
        headers.set('content-range', `bytes ${range.offset}-${range.offset + range.length - 1}/${copy.size}`);
        headers.set('content-length', String(range.length));
        return new Response(object.body, { status: 206, headers });
      }
      headers.set('content-length', String(copy.size));
      return new Response(object.body, { status: 200, headers });
    },
  );

  return app;
}
