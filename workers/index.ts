import { consumeBuilds } from '../src/build/consumer.ts';
import { cleanUpBuilds } from '../src/catalog/cleanup.ts';
import { createApp } from '../src/http/app.ts';

const app = createApp();

export default {
  fetch: app.fetch,
  queue: (batch, env) => consumeBuilds(batch, env),
  scheduled: (_controller, env, ctx) => ctx.waitUntil(cleanUpBuilds(env.DB, env.BOOKS)),
} satisfies ExportedHandler<Env>;
