import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/test-worker.ts';

const run = promisify(execFile);
const WRANGLER = join(ROOT, 'node_modules', '.bin', 'wrangler');
const ENV = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false', CI: 'true' };

let dir: string;

/** A throwaway project holding the migrations up to `last`, applied to local D1 by wrangler itself. */
async function applyUpTo(last: string): Promise<void> {
  for (const file of (await readdir(join(ROOT, 'migrations'))).filter((f) => f.slice(0, 4) <= last)) {
    await copyFile(join(ROOT, 'migrations', file), join(dir, 'migrations', file));
  }
  await run(WRANGLER, ['d1', 'migrations', 'apply', 'DB', '--local'], { cwd: dir, env: ENV, timeout: 120_000 });
}

/** The results of each statement in `command` (one wrangler run: each costs seconds). */
async function sql(command: string): Promise<unknown[][]> {
  const { stdout } = await run(WRANGLER, ['d1', 'execute', 'DB', '--local', '--json', '--command', command], { cwd: dir, env: ENV, timeout: 120_000 });
  return (JSON.parse(stdout) as { results: unknown[] }[]).map((r) => r.results);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bindery-migrations-'));
  await mkdir(join(dir, 'migrations'));
  await writeFile(
    join(dir, 'wrangler.toml'),
    `name = "migrations"\ncompatibility_date = "2026-04-20"\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "bindery"\ndatabase_id = "00000000-0000-0000-0000-000000000000"\nmigrations_dir = "migrations"\n`,
  );
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the purchase-id migration on a store that already sold books', () => {
  it('renames every order to an opaque purchase id, keeps its entitlement and downloads, and forgets the session-stamped copies', async () => {
    await applyUpTo('0002');
    await sql(`
      INSERT INTO books (slug, kind, manifest, title, created_at, updated_at) VALUES ('b', 'book', '{}', 'B', '2025-01-01', '2025-01-01');
      INSERT INTO builds (id, book_slug, content_hash, status, created_at, updated_at) VALUES ('bld1', 'b', 'h', 'ready', '2025-01-01', '2025-01-01');
      INSERT INTO orders (id, book_slug, email, amount, currency, source, payment_intent, licence_mark, created_at) VALUES
        ('cs_live_sold', 'b', 'a@example.com', 1200, 'USD', 'stripe', 'pi_1', '11111111-1111-4111-8111-111111111111', '2025-01-01T00:00:00.000Z'),
        ('grant_gift', 'b', 'g@example.com', 0, 'XXX', 'grant', NULL, '22222222-2222-4222-8222-222222222222', '2025-01-01T00:00:00.000Z');
      INSERT INTO entitlements (id, order_id, email, book_slug, created_at) VALUES
        ('ent_sold', 'cs_live_sold', 'a@example.com', 'b', '2025-01-01'), ('ent_gift', 'grant_gift', 'g@example.com', 'b', '2025-01-01');
      INSERT INTO stamped_files VALUES ('cs_live_sold', 'bld1', 'epub', 'orders/cs_live_sold/bld1/b.epub', 1, 'x', '2025-01-01');
      INSERT INTO downloads (order_id, build_id, format, ip_hash, downloaded_at) VALUES ('cs_live_sold', 'bld1', 'epub', 'h', '2025-01-01T00:00:00.000Z');
      INSERT INTO library_tokens (id, email, created_at) VALUES ('tok', 'a@example.com', '2025-01-01T00:00:00.000Z');
    `);
    await applyUpTo('9999');

    const [orders, stamped, orphans, tokens] = (await sql(
      `SELECT o.id, o.checkout_session_id AS session, e.id AS entitlement, (SELECT COUNT(*) FROM downloads d WHERE d.order_id = o.id) AS downloads
         FROM orders o JOIN entitlements e ON e.order_id = o.id ORDER BY e.id;
       SELECT * FROM stamped_files;
       PRAGMA foreign_key_check;
       SELECT expires_at FROM library_tokens;`,
    )) as [{ id: string }[], unknown[], unknown[], { expires_at: string }[]];
    expect(orders).toEqual([
      { id: expect.stringMatching(/^pur_[0-9a-f]{32}$/), session: null, entitlement: 'ent_gift', downloads: 0 },
      { id: expect.stringMatching(/^pur_[0-9a-f]{32}$/), session: 'cs_live_sold', entitlement: 'ent_sold', downloads: 1 },
    ]);
    expect(orders[0].id).not.toBe(orders[1].id);
    expect(stamped).toEqual([]);
    expect(orphans).toEqual([]);
    expect(Date.parse(tokens[0].expires_at)).toBeGreaterThan(Date.now() + 89 * 86_400_000);
  });
});
