import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

describe('worker', () => {
  it('answers health checks and has the catalog schema applied', async () => {
    const res = await SELF.fetch('https://bindery.test/healthz');
    expect(await res.json()).toEqual({ ok: true });
    const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'books'").all();
    expect(tables.results).toHaveLength(1);
  });

  it('answers unknown routes with problem+json', async () => {
    const res = await SELF.fetch('https://bindery.test/nope');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});
