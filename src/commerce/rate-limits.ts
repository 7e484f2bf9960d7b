import { hmacSha256, toHex } from '../crypto.ts';

/**
 * Fixed-window request counters in D1 (`rate_limits`). One statement counts
 * and reads, so concurrent requests cannot slip past the limit. Keys are
 * HMACs, so the table holds no addresses.
 */
export class RateLimits {
  constructor(
    private readonly db: D1Database,
    private readonly signingKey: string,
  ) {}

  /** Counts one request for `subject`; false once `limit` requests were counted in the current window. */
  async allow(kind: string, subject: string, limit: number, windowSeconds: number, now = Date.now()): Promise<boolean> {
    const key = `${kind}:${toHex(await hmacSha256(this.signingKey, `rate:${kind}:${subject}`)).slice(0, 32)}`;
    const windowStart = new Date(Math.floor(now / (windowSeconds * 1000)) * windowSeconds * 1000).toISOString();
    const row = await this.db
      .prepare(
        `INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)
         ON CONFLICT (key, window_start) DO UPDATE SET count = count + 1 RETURNING count`,
      )
      .bind(key, windowStart)
      .first<{ count: number }>();
    return (row?.count ?? 1) <= limit;
  }

  /** Drops windows that ended before `before` (the daily job). */
  async prune(before: string): Promise<void> {
    await this.db.prepare('DELETE FROM rate_limits WHERE window_start < ?').bind(before).run();
  }
}
