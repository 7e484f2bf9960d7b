import { OpenAPIHono } from '@hono/zod-openapi';
import type { EditorEnv } from '../auth.ts';
import { commerceAdminRoutes } from './admin.ts';
import { checkoutRoutes } from './checkout.tsx';
import { downloadRoutes } from './downloads.ts';
import { libraryRoutes } from './library.tsx';
import { webhookRoutes } from './webhooks.ts';

/** Everything about selling, one router per audience: buyers, Stripe, readers, downloads, the publisher. */
export function commerceRoutes(): OpenAPIHono<EditorEnv> {
  const app = new OpenAPIHono<EditorEnv>();
  app.route('/', checkoutRoutes());
  app.route('/', webhookRoutes());
  app.route('/', libraryRoutes());
  app.route('/', downloadRoutes());
  app.route('/', commerceAdminRoutes());
  return app;
}
