import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context, Env as HonoEnv } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { commerceConfig, type CommerceConfig } from '../../commerce/config.ts';
import { emailAddressSchema } from '../../email.ts';
import { problemContent } from '../openapi-shapes.ts';
import { validationHook } from '../openapi.ts';
import { problem, problemResponse } from '../problem.ts';

/** A router for one commerce audience; invalid input is answered as problem+json like on every router. */
export function commerceRouter<E extends HonoEnv>(): OpenAPIHono<E> {
  return new OpenAPIHono<E>({ defaultHook: validationHook });
}

export const config = (env: Env): CommerceConfig => commerceConfig(env as unknown as Record<string, unknown>);

/**
 * Pages that carry a buyer's links: never stored by a browser or a shared
 * cache. (That they are never sent on as a referrer is pageHeaders' job, for
 * every page under /checkout and /library.)
 */
export function privatePage(c: Context): void {
  c.header('cache-control', 'private, no-store');
}

/** Whether the client asked for JSON rather than a page. */
export function wantsJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const json = accept.indexOf('application/json');
  const html = accept.indexOf('text/html');
  return json >= 0 && (html < 0 || json < html);
}

export const problems = (described: Record<number, string>) =>
  Object.fromEntries(Object.entries(described).map(([status, description]) => [status, { description, content: problemContent }]));

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

/** Every address Stripe accepts, internationalised ones included, in the OpenAPI document as an e-mail. */
export const emailSchema = emailAddressSchema.openapi({ format: 'email' });

/**
 * The body limit of the commerce forms (checkout, library link, grants): a
 * slug and an address fit in well under 16 KB, and nothing bigger is read
 * (a 60 MB body was parsed whole before an answer came).
 */
export const limitFormBody = bodyLimit({ maxSize: 16 * 1024, onError: () => problemResponse(problem(413, 'A request here is at most 16 KB.')) });
