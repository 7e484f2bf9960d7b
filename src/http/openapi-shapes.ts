import { z } from '@hono/zod-openapi';
import { bookSlugSchema } from '../catalog/schemas.ts';

/** Shapes every router's OpenAPI description shares: the problem document, error responses, the book slug parameter. */

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    file: z.string().optional(),
    line: z.number().int().optional(),
    field: z.string().optional(),
  })
  .openapi('Problem');

export const problemContent = { 'application/problem+json': { schema: ProblemSchema } };

export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, { description: DESCRIPTIONS[s] ?? 'Error', content: problemContent }]));

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input',
  401: 'Missing, unknown or revoked token',
  403: 'The token lacks the needed scope',
  404: 'Not found',
  409: 'Conflict with the current state',
  413: 'Body larger than 20 MB',
  415: 'Unsupported media type',
  422: 'Content that cannot be built (names the article and line)',
};

export const SlugParam = z.object({ slug: bookSlugSchema.openapi({ param: { name: 'slug', in: 'path' } }) });
