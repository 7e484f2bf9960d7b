import { createRoute, z } from '@hono/zod-openapi';
import { Downloads } from '../../commerce/downloads.ts';
import { problem, problemResponse } from '../problem.ts';
import type { AppEnv } from '../app.ts';
import { commerceRouter, config, problems } from './common.ts';
import { contentDisposition, parseRange } from './http-files.ts';
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
      const target = await downloads.authorize(c.req.valid('param').token);
      const clientIp = c.req.header('cf-connecting-ip') ?? 'unknown';
      // HEAD (Hono answers it with this GET handler) tells the size without opening a download. The limit is checked
      // before anything about the file (its size in a 416, stamping a copy), so an over-limit client learns nothing;
      // the download is counted only once a range is known to be servable.
      const probe = c.req.method === 'HEAD';
      await downloads.admit(target, clientIp, 'probe');
      const copy = await downloads.stampedCopy(target);
      const range = parseRange(c.req.header('range'), copy.size);
      if (range.kind === 'unsatisfiable') {
        return problemResponse(problem(416, `The file has ${copy.size} bytes; the requested range is outside it.`), { 'content-range': `bytes */${copy.size}` });
      }
      const { mediaType, extension } = FORMAT_REGISTRY[target.claims.format];
      const headers = new Headers({
        'content-type': mediaType,
        'content-disposition': contentDisposition(`${target.edition.meta.title}.${extension}`, `${target.edition.slug}.${extension}`),
        etag: `"${copy.sha256}"`,
        'accept-ranges': 'bytes',
        'cache-control': 'private, no-store',
        'x-content-type-options': 'nosniff',
      });
      const partial = range.kind === 'partial';
      if (partial) headers.set('content-range', `bytes ${range.offset}-${range.offset + range.length - 1}/${copy.size}`);
      headers.set('content-length', String(partial ? range.length : copy.size));
      if (probe) return new Response(null, { status: partial ? 206 : 200, headers });
      await downloads.admit(target, clientIp, 'download');
      const object = await c.env.BOOKS.get(copy.r2Key, partial ? { range: { offset: range.offset, length: range.length } } : {});
      if (!object) return problemResponse(problem(500, 'The stamped copy is missing from storage.'));
      return new Response(object.body, { status: partial ? 206 : 200, headers });
    },
  );

  return app;
}
