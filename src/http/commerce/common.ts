import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Env as HonoEnv } from 'hono';
import { commerceConfig, type CommerceConfig } from '../../commerce/config.ts';
import { BinderyError } from '../../errors.ts';
import { problemContent } from '../editor-schemas.ts';

/** A router for one commerce audience; invalid input becomes a BinderyError, so it is answered as problem+json. */
export function commerceRouter<E extends HonoEnv>(): OpenAPIHono<E> {
  return new OpenAPIHono<E>({
    defaultHook: (result) => {
      if (!result.success) {
        const issue = result.error.issues[0];
        const field = issue?.path.map(String).join('.');
        throw new BinderyError('invalid-input', `${field ? `${field}: ` : ''}${issue?.message ?? 'invalid request'}`, field ? { field } : {});
      }
    },
  });
}

export const config = (env: Env): CommerceConfig => commerceConfig(env as unknown as Record<string, unknown>);

export const originOf = (url: string): string => new URL(url).origin;

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

export const emailSchema = z.email().max(254);
