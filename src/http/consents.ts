import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { ConsentLinks } from '../catalog/consent-links.ts';
import { consentFiltersSchema, consentInputSchema } from '../catalog/consent-schemas.ts';
import { ConsentRepository, type ConsentRecord } from '../catalog/consents.ts';
import { EditionContentRepository } from '../catalog/edition-contents.ts';
import { ConsentChanges, type ConsentChange } from '../worker/consent-rebuilds.ts';
import { requireScope, type EditorEnv } from './auth.ts';
import { errorResponses } from './openapi-shapes.ts';
import { trustedOrigin } from './origin.ts';
import { problem, problemResponse } from './problem.ts';

const editor = requireScope('editor');
const security = [{ bearer: [] }];
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const limitBody = bodyLimit({ maxSize: 64 * 1024, onError: () => problemResponse(problem(413, 'A consent record is at most 64 KB.')) });

const ConsentIdParam = z.object({ id: z.string().min(1).max(100).openapi({ param: { name: 'id', in: 'path' }, example: 'cns_4f1c2a…' }) });

const BuildErrorSchema = z.object({ code: z.string(), message: z.string(), file: z.string().optional(), line: z.number().optional(), field: z.string().optional() });

const ConsentSchema = z
  .object({
    id: z.string(),
    contributor: z.string(),
    role: z.string(),
    email: z.string().nullable(),
    language: z.enum(['en', 'zh-Hant']),
    scope: z.enum(['all', 'book']),
    book: z.string().nullable(),
    status: z.enum(['granted', 'withdrawn']),
    grantedAt: z.string(),
    grantedBy: z.string(),
    updatedAt: z.string(),
    link: z.url().openapi({ description: "The contributor's consent page: signed, valid for five years; send it to them" }),
  })
  .openapi('Consent');

const ConsentDetailSchema = ConsentSchema.extend({
  uses: z.array(z.object({ article: z.string(), title: z.string().nullable(), image: z.string().nullable(), origin: z.enum(['record', 'front-matter']) })),
  events: z.array(z.object({ action: z.enum(['grant', 'withdraw', 'regrant']), source: z.string(), reason: z.string().nullable(), at: z.string() })),
  onSale: z.array(z.object({ slug: z.string(), title: z.string(), kind: z.enum(['book', 'bundle']), buildId: z.string(), editionDate: z.string(), publishedAt: z.string() })),
}).openapi('ConsentDetail');

const RebuildSchema = z.object({
  book: z.string(),
  replacedBuildId: z.string().openapi({ description: 'The edition on sale that held the withdrawn content' }),
  buildId: z.string().nullable().openapi({ description: 'The rebuild without it; null when it could not be made (see error)' }),
  error: BuildErrorSchema.nullable(),
});

const ConsentChangeSchema = z
  .object({ changed: z.boolean().openapi({ description: 'False when the consent was already withdrawn' }), rebuilt: z.array(RebuildSchema) })
  .openapi('ConsentChange');

const WithdrawalSchema = z
  .object({
    consentId: z.string(),
    contributor: z.string(),
    role: z.string(),
    source: z.string(),
    reason: z.string().nullable(),
    at: z.string(),
    editions: z.array(
      RebuildSchema.extend({
        queuedAt: z.string(),
        publishedAt: z.string().nullable().openapi({ description: 'When the rebuild went on sale' }),
        removed: z
          .array(z.object({ article: z.string(), contributor: z.string(), role: z.string(), consent: z.string() }))
          .openapi({ description: "The rebuild's changelog: the articles it left out and whose consent kept them out (images are replaced by a notice instead)" }),
      }),
    ),
  })
  .openapi('Withdrawal');

/**
 * Contributor consent for editors under /api/v1: recording a consent (and
 * getting the link to send the contributor), reading records and their log,
 * withdrawing on a contributor's behalf, and the list of withdrawals with
 * the editions they affected.
 */
export function consentRoutes(): OpenAPIHono<EditorEnv> {
  const app = new OpenAPIHono<EditorEnv>();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/consents',
      tags: ['consent'],
      summary: "Record a contributor's consent; the answer carries the consent link to send them",
      security,
      middleware: [editor, limitBody],
      request: { body: { required: true, content: { 'application/json': { schema: consentInputSchema } } } },
      responses: { 201: json(ConsentSchema, 'Recorded, granted now'), ...errorResponses(400, 401, 403, 404, 413) },
    }),
    async (c) => {
      const record = await new ConsentRepository(c.env.DB).create(c.req.valid('json'), c.get('principal').name);
      return c.json(await view(c, record), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/consents',
      tags: ['consent'],
      summary: 'List consent records, or those covering one article (its text or images)',
      security,
      middleware: [editor],
      request: { query: consentFiltersSchema },
      responses: { 200: json(z.object({ items: z.array(ConsentSchema) }), 'Consent records, newest first'), ...errorResponses(400, 401, 403) },
    }),
    async (c) => {
      const records = await new ConsentRepository(c.env.DB).list(c.req.valid('query'));
      return c.json({ items: await Promise.all(records.map((r) => view(c, r))) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/consents/{id}',
      tags: ['consent'],
      summary: 'A consent record: what it covers, its log of grants and withdrawals, the editions on sale holding its content',
      security,
      middleware: [editor],
      request: { params: ConsentIdParam },
      responses: { 200: json(ConsentDetailSchema, 'The record'), ...errorResponses(401, 403, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const consents = new ConsentRepository(c.env.DB);
      const record = await consents.get(id);
      const [uses, events, onSale] = await Promise.all([consents.uses(id), consents.events(id), new EditionContentRepository(c.env.DB).publishedWith(id)]);
      return c.json(
        {
          ...(await view(c, record)),
          uses: uses.map((u) => ({ article: u.articleId, title: u.title, image: u.image, origin: u.origin })),
          events: events.map(({ action, source, reason, at }) => ({ action, source, reason, at })),
          onSale,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/consents/{id}',
      tags: ['consent'],
      summary: "Withdraw a consent on the contributor's behalf (the record and its log stay: they are the publisher's evidence)",
      description: 'Does what the contributor\'s own withdrawal does: every book and bundle on sale holding the content is rebuilt without it and the rebuild published.',
      security,
      middleware: [editor],
      request: { params: ConsentIdParam, query: z.object({ reason: z.string().max(2000).optional() }) },
      responses: { 200: json(ConsentChangeSchema, 'Withdrawn; the rebuilds it queued'), ...errorResponses(401, 403, 404) },
    }),
    async (c) => {
      const change = await new ConsentChanges(c.env).withdraw(c.req.valid('param').id, `editor: ${c.get('principal').name}`, c.req.valid('query').reason ?? null);
      return c.json(changeView(change), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/withdrawals',
      tags: ['consent'],
      summary: 'Every withdrawal, newest first, with the editions it affected: the one on sale, its rebuild, and when that went on sale',
      security,
      middleware: [editor],
      responses: { 200: json(z.object({ items: z.array(WithdrawalSchema) }), 'The withdrawals'), ...errorResponses(401, 403) },
    }),
    async (c) => {
      const withdrawals = await new EditionContentRepository(c.env.DB).withdrawals();
      return c.json(
        {
          items: withdrawals.map(({ eventId: _eventId, editions, ...w }) => ({
            ...w,
            editions: editions.map(({ slug, ...e }) => ({ book: slug, ...e, error: e.error ? { ...e.error } : null })),
          })),
        },
        200,
      );
    },
  );

  return app;
}

type RouteContext = Parameters<typeof trustedOrigin>[0] & { env: Env };

async function view(c: RouteContext, record: ConsentRecord) {
  const token = await new ConsentLinks(c.env.SIGNING_KEY).issue(record.id);
  const { scopeBook, ...rest } = record;
  return { ...rest, book: scopeBook, link: `${trustedOrigin(c)}/consent/${token}` };
}

function changeView(change: ConsentChange) {
  return { changed: change.event !== null, rebuilt: change.rebuilt.map(({ slug, ...r }) => ({ book: slug, ...r })) };
}
