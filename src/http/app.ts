import { OpenAPIHono } from '@hono/zod-openapi';
import { commerceRoutes } from './commerce/index.ts';
import { consentPageRoutes } from './consent-page.tsx';
import { consentRoutes } from './consents.ts';
import { editorRoutes } from './editor.ts';
import { serveOpenApi, validationHook } from './openapi.ts';
import { opdsRoutes } from './opds.ts';
import { onError, problem, problemResponse } from './problem.ts';
import { publicRoutes } from './public.ts';
import { pageHeaders } from './security-headers.ts';
import { storeRoutes } from './store/routes.tsx';
import { tdmReservationHeaders } from './tdm-headers.ts';
import { tdmRoutes } from './tdm.ts';
import type { TdmReservation } from '../tdm.ts';

/** `tdm`: the reservation of the book a response serves (`servesBook`), stated in its TDMRep headers. */
export type AppEnv = { Bindings: Env; Variables: { tdm?: TdmReservation } };

/**
 * The whole HTTP surface, one router per audience. The Worker's fetch
 * handler is `createApp().fetch`.
 */
export function createApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.onError(onError);
  app.notFound((c) => problemResponse(problem(404, `No route for ${c.req.method} ${new URL(c.req.url).pathname}`)));
  app.use('*', tdmReservationHeaders);
  app.get('/healthz', (c) => c.json({ ok: true }));
  // The HTML pages (storefront, checkout result, library; '/library/*' includes '/library'), before the routers that serve them.
  for (const path of ['/', '/books/*', '/checkout/*', '/library/*', '/consent/*']) app.use(path, pageHeaders);
  // Public reads first: the unauthenticated GET /api/v1/books* must not fall into the editor's token check.
  app.route('/', publicRoutes());
  app.route('/', opdsRoutes());
  app.route('/', storeRoutes());
  app.route('/api/v1', editorRoutes());
  app.route('/api/v1', consentRoutes());
  app.route('/', consentPageRoutes());
  app.route('/', commerceRoutes());
  app.route('/', tdmRoutes());
  serveOpenApi(app);
  return app;
}
