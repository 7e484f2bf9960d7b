import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ADMIN } from '../catalog/api.ts';

const BASE = 'https://bindery.test';

async function problemOf(path: string, token?: string): Promise<{ status: number; contentType: string | null; body: Record<string, unknown> }> {
  const res = await SELF.fetch(`${BASE}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, contentType: res.headers.get('content-type'), body: await res.json() };
}

describe('validation problems', () => {
  it('answer the same invalid input alike on an editor, a public and a commerce route', async () => {
    const editor = await problemOf('/api/v1/editor/books/Bad_Slug', ADMIN);
    const publicApi = await problemOf('/api/v1/books/Bad_Slug');
    const commerce = await problemOf('/api/v1/books/Bad_Slug/orders', ADMIN);
    for (const answer of [editor, publicApi, commerce]) {
      expect(answer.status).toBe(400);
      expect(answer.contentType).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({ type: 'https://bindery.dev/problems/invalid-input', title: 'Bad Request', status: 400, field: 'slug' });
    }
    expect(publicApi.body).toEqual(editor.body);
    expect(commerce.body).toEqual(editor.body);
  });
});
