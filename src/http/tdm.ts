import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { PublicCatalog } from '../catalog/public-queries.ts';
import { deploymentTdm, tdmRule, type TdmReservation, type TdmRule } from '../tdm.ts';
import type { AppEnv } from './app.ts';
import { METADATA_CACHE } from './public.ts';

/**
 * Crawlers that gather text for training AI models, by the user-agent token
 * each operator documents (docs/decisions.md says why these and not search
 * engines). Sent away from book files and samples while the deployment
 * reserves TDM; the storefront stays open to them and to search engines.
 */
export const AI_TRAINING_CRAWLERS = [
  'GPTBot', 'ClaudeBot', 'anthropic-ai', 'CCBot', 'Google-Extended', 'Applebot-Extended', 'Bytespider', 'meta-externalagent',
  'FacebookBot', 'cohere-training-data-crawler', 'cohere-ai', 'Amazonbot', 'Diffbot', 'Omgilibot', 'Timpibot', 'ImagesiftBot', 'PanguBot',
] as const;

/** Where book content is served: covers, metadata and samples under the API, OPDS feeds and their links, and buyers' downloads. */
const BOOK_CONTENT_PATHS = ['/api/v1/books/', '/opds/', '/download/'];
/** Pages that carry a buyer's or contributor's token: never indexed by anyone. */
const PRIVATE_PATHS = ['/download/', '/library/', '/checkout/', '/consent/'];

export function robotsTxt(tdm: TdmReservation): string {
  const everyone = ['User-agent: *', ...PRIVATE_PATHS.map((p) => `Disallow: ${p}`), 'Allow: /'].join('\n');
  if (!tdm.reserved) return `${everyone}\n`;
  const trainers = [...AI_TRAINING_CRAWLERS.map((a) => `User-agent: ${a}`), ...[...new Set([...BOOK_CONTENT_PATHS, ...PRIVATE_PATHS])].map((p) => `Disallow: ${p}`)].join('\n');
  return `# Text and data mining is reserved (W3C TDMRep): see /.well-known/tdmrep.json\n${trainers}\n\n${everyone}\n`;
}

/** The paths of one book's content, as TDMRep location patterns. */
const bookLocations = (slug: string) => [`/books/${slug}`, `/api/v1/books/${slug}`, `/api/v1/books/${slug}/*`, `/opds/books/${slug}`];

/**
 * `/.well-known/tdmrep.json`: a rule for each book whose reservation differs
 * from the deployment's, then the deployment's for everything else (the
 * first rule whose location matches applies). Download links carry no book
 * in their path; their responses state the book's reservation in headers.
 */
export function tdmrepRules(deployment: TdmReservation, books: { slug: string; tdm: TdmReservation }[]): TdmRule[] {
  const differs = (t: TdmReservation) => t.reserved !== deployment.reserved || t.policy !== deployment.policy;
  return [...books.filter((b) => differs(b.tdm)).flatMap((b) => bookLocations(b.slug).map((l) => tdmRule(l, b.tdm))), tdmRule('/*', deployment)];
}

const TdmRuleSchema = z
  .object({ location: z.string(), 'tdm-reservation': z.union([z.literal(0), z.literal(1)]), 'tdm-policy': z.url().optional() })
  .openapi('TdmRule');

/** The machine-readable rights statements: TDMRep's well-known file and robots.txt. */
export function tdmRoutes(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/.well-known/tdmrep.json',
      tags: ['public'],
      summary: 'Text and data mining reservations (W3C TDMRep): per book where it differs, then the deployment default',
      responses: { 200: { description: 'TDMRep rules, first match applies', content: { 'application/json': { schema: z.array(TdmRuleSchema) } } } },
    }),
    async (c) => {
      const rules = tdmrepRules(deploymentTdm(c.env), await new PublicCatalog(c.env.DB).tdmReservations());
      c.header('Cache-Control', METADATA_CACHE);
      c.header('Access-Control-Allow-Origin', '*');
      return c.json(rules, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/robots.txt',
      tags: ['public'],
      summary: 'Crawler rules: AI-training crawlers kept from book content while TDM is reserved; the storefront indexable',
      responses: { 200: { description: 'robots.txt', content: { 'text/plain': { schema: z.string() } } } },
    }),
    (c) => {
      c.header('Cache-Control', METADATA_CACHE);
      return c.text(robotsTxt(deploymentTdm(c.env)), 200);
    },
  );

  return app;
}
