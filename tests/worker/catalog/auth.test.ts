import { describe, expect, it } from 'vitest';
import { api, json, mint } from './api.ts';

describe('editor API authentication', () => {
  it('refuses a request without a token with 401 problem+json and a Bearer challenge', async () => {
    const res = await api('GET', '/articles', { token: null });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('refuses a wrong token with 401', async () => {
    const res = await api('GET', '/articles', { token: 'bnd_not-a-real-token' });
    expect(res.status).toBe(401);
    expect((await res.json<{ detail: string }>()).detail).toMatch(/unknown or has been revoked/);
  });

  it('lets the admin mint an editor token that works once and is stored only as a hash', async () => {
    const minted = await mint(['editor'], 'desk');
    expect(minted.token).toMatch(/^bnd_/);
    expect((await api('GET', '/articles', { token: minted.token })).status).toBe(200);
    const { env } = await import('cloudflare:test');
    const row = await env.DB.prepare('SELECT * FROM api_tokens WHERE id = ?').bind(minted.id).first<Record<string, string>>();
    expect(JSON.stringify(row)).not.toContain(minted.token);
  });

  it('refuses a revoked token with 401', async () => {
    const minted = await mint(['editor']);
    expect((await api('DELETE', `/tokens/${minted.id}`)).status).toBe(204);
    expect((await api('GET', '/articles', { token: minted.token })).status).toBe(401);
    expect((await api('DELETE', `/tokens/${minted.id}`)).status).toBe(404);
  });

  it('refuses an editor token on admin routes with 403', async () => {
    const minted = await mint(['editor']);
    const res = await api('POST', '/tokens', { token: minted.token, body: { name: 'x', scopes: ['admin'] } });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuses an admin-only token on editor routes with 403', async () => {
    const minted = await mint(['admin']);
    expect((await api('GET', '/editor/books', { token: minted.token })).status).toBe(403);
  });

  it('rejects an unknown scope with 400 naming the field', async () => {
    const res = await api('POST', '/tokens', { body: { name: 'x', scopes: ['root'] } });
    const body = await json<{ field: string }>(res, 400);
    expect(body.field).toBe('scopes.0');
  });
});

describe('editor API description', () => {
  it('appears in the OpenAPI document with bearer security', async () => {
    const { SELF } = await import('cloudflare:test');
    const doc = await (await SELF.fetch('https://bindery.test/api/openapi.json')).json<{
      paths: Record<string, Record<string, { security?: unknown[] }>>;
      components: { securitySchemes?: Record<string, { scheme: string }> };
    }>();
    expect(doc.components.securitySchemes?.bearer.scheme).toBe('bearer');
    expect(doc.paths['/api/v1/articles/{id}'].put.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(doc.paths['/api/v1/books/{slug}/builds'])).toContain('post');
    expect(Object.keys(doc.paths['/api/v1/editor/books'])).toContain('get');
  });
});
