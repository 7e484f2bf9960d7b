import { consumeBuilds, DEAD_LETTER_QUEUE, failAbandonedBuilds } from '../src/build/consumer.ts';
import { cleanUpBuilds } from '../src/catalog/cleanup.ts';
import { commerceConfig } from '../src/commerce/config.ts';
import { mailSender, Outbox } from '../src/commerce/mail.ts';
import { createApp } from '../src/http/app.ts';

const app = createApp();

/** Daily housekeeping: fail stale builds, drop their files, retry library mails that did not go out. */
async function housekeeping(env: Env): Promise<void> {
  await cleanUpBuilds(env.DB, env.BOOKS);
  await new Outbox(env.DB).deliver(mailSender(commerceConfig(env as unknown as Record<string, unknown>)), { limit: 100 });
}

export default {
  fetch: app.fetch,
  queue: (batch, env) => (batch.queue === DEAD_LETTER_QUEUE ? failAbandonedBuilds(batch, env) : consumeBuilds(batch, env)),
  scheduled: (_controller, env, ctx) => ctx.waitUntil(housekeeping(env)),
} satisfies ExportedHandler<Env>;
