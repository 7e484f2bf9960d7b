import { CheckoutSessions } from './checkouts.ts';
import type { CommerceConfig } from './config.ts';
import { mailSender, Outbox } from './mail.ts';
import { RateLimits } from './rate-limits.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Checkouts are kept long enough for the slowest async payment (bank debits take days) to be matched with its price. */
const CHECKOUT_RETENTION_MS = 90 * DAY_MS;

/** The daily commerce chores: retry library mails that did not go out, forget old checkouts and rate-limit windows. */
export async function commerceHousekeeping(db: D1Database, config: CommerceConfig, now = Date.now()): Promise<void> {
  await new Outbox(db).deliver(mailSender(config), { limit: 100 });
  await new CheckoutSessions(db, config.SIGNING_KEY).prune(new Date(now - CHECKOUT_RETENTION_MS).toISOString());
  await new RateLimits(db, config.SIGNING_KEY).prune(new Date(now - DAY_MS).toISOString());
}
