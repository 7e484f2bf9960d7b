import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../workers/index.ts';

describe('the daily scheduled run', () => {
  it('fails builds stuck for over an hour and sends library mails that did not go out', async () => {
    const longAgo = new Date(Date.now() - 3 * 60 * 60 * 1000).toISOString();
    await env.DB.batch([
      env.DB.prepare("INSERT INTO books (slug, kind, manifest, title, created_at, updated_at) VALUES ('stuck', 'book', '{}', 'Stuck', ?1, ?1)").bind(longAgo),
      env.DB.prepare("INSERT INTO builds (id, book_slug, content_hash, status, created_at, updated_at) VALUES ('b-stuck', 'stuck', 'h1', 'building', ?1, ?1)").bind(longAgo),
      env.DB.prepare("INSERT INTO mail_outbox (to_email, subject, body, created_at) VALUES ('reader@example.com', 'Your library', 'link', ?1)").bind(longAgo),
    ]);

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: '17 3 * * *' }), env, ctx);
    await waitOnExecutionContext(ctx);

    const build = await env.DB.prepare("SELECT status FROM builds WHERE id = 'b-stuck'").first<{ status: string }>();
    expect(build?.status).toBe('failed');
    const mail = await env.DB.prepare("SELECT sent_at, attempts FROM mail_outbox WHERE to_email = 'reader@example.com'").first<{ sent_at: string | null; attempts: number }>();
    expect(mail?.sent_at).not.toBeNull();
    expect(mail?.attempts).toBe(1);
  });

  it('fails a build whose lease lapsed minutes ago, with the reason, and leaves one whose lease is live', async () => {
    const at = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
    await env.DB.batch([
      env.DB.prepare("INSERT INTO books (slug, kind, manifest, title, created_at, updated_at) VALUES ('leases', 'book', '{}', 'Leases', ?1, ?1)").bind(at(-60)),
      env.DB.prepare("INSERT INTO builds (id, book_slug, content_hash, status, lease_expires_at, created_at, updated_at) VALUES ('b-lapsed', 'leases', 'h1', 'building', ?1, ?2, ?2)").bind(at(-5), at(-15)),
      env.DB.prepare("INSERT INTO builds (id, book_slug, content_hash, status, lease_expires_at, created_at, updated_at) VALUES ('b-live', 'leases', 'h2', 'building', ?1, ?2, ?2)").bind(at(5), at(-5)),
    ]);

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: '17 3 * * *' }), env, ctx);
    await waitOnExecutionContext(ctx);

    const rows = await env.DB.prepare("SELECT id, status, error FROM builds WHERE book_slug = 'leases' ORDER BY id").all<{ id: string; status: string; error: string | null }>();
    expect(rows.results.map((r) => [r.id, r.status])).toEqual([['b-lapsed', 'failed'], ['b-live', 'building']]);
    expect(JSON.parse(rows.results[0].error!).message).toMatch(/stopped responding/);
  });
});

describe('the daily commerce chores', () => {
  it('forgets checkouts older than 90 days and rate-limit windows older than a day, and keeps recent ones', async () => {
    const ago = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    await env.DB.batch([
      env.DB.prepare("INSERT INTO checkout_sessions (id, book_slug, amount, currency, browser_nonce_hash, created_at) VALUES ('cs_old', 'b', 1, 'USD', 'h', ?)").bind(ago(91)),
      env.DB.prepare("INSERT INTO checkout_sessions (id, book_slug, amount, currency, browser_nonce_hash, created_at) VALUES ('cs_new', 'b', 1, 'USD', 'h', ?)").bind(ago(2)),
      env.DB.prepare("INSERT INTO rate_limits (key, window_start, count) VALUES ('resend-ip:old', ?, 3), ('resend-ip:new', ?, 3)").bind(ago(2), ago(0)),
    ]);

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: '17 3 * * *' }), env, ctx);
    await waitOnExecutionContext(ctx);

    const checkouts = await env.DB.prepare('SELECT id FROM checkout_sessions ORDER BY id').all<{ id: string }>();
    expect(checkouts.results.map((r) => r.id)).toEqual(['cs_new']);
    const windows = await env.DB.prepare('SELECT key FROM rate_limits ORDER BY key').all<{ key: string }>();
    expect(windows.results.map((r) => r.key)).toEqual(['resend-ip:new']);
  });
});
