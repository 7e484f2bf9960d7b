import type { MiddlewareHandler } from 'hono';
import { TokenService, type Principal } from '../catalog/tokens.ts';
import type { TokenScope } from '../catalog/schemas.ts';
import { problem, problemResponse } from './problem.ts';

export type EditorEnv = { Bindings: Env; Variables: { principal: Principal } };

const CHALLENGE = 'Bearer realm="bindery-editor"';

/**
 * Bearer-token guard for one route: 401 without a valid, unrevoked token,
 * 403 when the token lacks `scope`. The caller is available as `c.get('principal')`.
 *
 * @example app.openapi({ ...route, middleware: [requireScope('admin')] }, handler)
 */
export function requireScope(scope: TokenScope): MiddlewareHandler<EditorEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    if (!match) {
      return problemResponse(problem(401, 'Send an API token as "Authorization: Bearer <token>".'), { 'www-authenticate': CHALLENGE });
    }
    const principal = await new TokenService(c.env.DB, c.env.ADMIN_TOKEN).authenticate(match[1]);
    if (!principal) {
      return problemResponse(problem(401, 'The API token is unknown or has been revoked.'), {
        'www-authenticate': `${CHALLENGE}, error="invalid_token"`,
      });
    }
    if (!principal.scopes.includes(scope)) {
      return problemResponse(problem(403, `This token lacks the "${scope}" scope.`), {
        'www-authenticate': `${CHALLENGE}, error="insufficient_scope", scope="${scope}"`,
      });
    }
    c.set('principal', principal);
    await next();
  };
}
