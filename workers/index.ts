import { consumeBuilds, DEAD_LETTER_QUEUE, failAbandonedBuilds } from '../src/worker/consumer.ts';
import { cleanUpBuilds } from '../src/worker/cleanup.ts';
import { commerceConfig } from '../src/commerce/config.ts';
import { commerceHousekeeping } from '../src/commerce/housekeeping.ts';
import { createApp } from '../src/http/app.ts';

const app = createApp();

/** Daily housekeeping: fail stale builds and drop their files; retry library mails, forget old checkouts and rate-limit windows. */
async function housekeeping(env: Env): Promise<void> {
  await cleanUpBuilds(env.DB, env.BOOKS);
  await commerceHousekeeping(env.DB, commerceConfig(env as unknown as Record<string, unknown>));
}

export default {
  fetch: app.fetch,
  queue: (batch, env) => (batch.queue === DEAD_LETTER_QUEUE ? failAbandonedBuilds(batch, env) : consumeBuilds(batch, env)),
  scheduled: (_controller, env, ctx) => ctx.waitUntil(housekeeping(env)),
} satisfies ExportedHandler<Env>;
