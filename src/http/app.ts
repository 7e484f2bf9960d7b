import { OpenAPIHono } from '@hono/zod-openapi';
import { commerceRoutes } from './commerce/index.ts';
import { editorRoutes } from './editor.ts';
import { onError, problem, problemResponse } from './problem.ts';

export type AppEnv = { Bindings: Env };

/**
 * The whole HTTP surface, one router per audience. The Worker's fetch
 * handler is `createApp().fetch`.
 */
export function createApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const issue = result.error.issues[0];
        const field = issue?.path.map(String).join('.');
        return problemResponse(problem(400, `${field ? `${field}: ` : ''}${issue?.message ?? 'invalid request'}`, field ? { field } : {}));
      }
    },
  });
  app.onError(onError);
  app.notFound((c) => problemResponse(problem(404, `No route for ${c.req.method} ${new URL(c.req.url).pathname}`)));
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.route('/api/v1', editorRoutes());
  app.route('/', commerceRoutes());
  return app;
}
