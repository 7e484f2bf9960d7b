import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/http/app.ts';
import { OPENAPI_PATH } from '../../../src/http/openapi.ts';

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

async function fetchDocument() {
  const app = createApp();
  const res = await app.request(`https://bindery.test${OPENAPI_PATH}`);
  expect(res.status).toBe(200);
  return { app, doc: (await res.json()) as { openapi: string; paths: Record<string, Record<string, { tags?: string[] }>>; servers: { url: string }[] } };
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const { doc } = await fetchDocument();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: 'https://bindery.test' }]);
    const result = await new Validator().validate(doc as unknown as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 1)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('describes every route the app serves', async () => {
    const { app, doc } = await fetchDocument();
    const served = new Set(
      app.routes.filter((r) => METHODS.has(r.method)).map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:([A-Za-z_]\w*)(\{[^}]*\})?/g, '{$1}')}`),
    );
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`)));
    expect([...served].filter((route) => !documented.has(route))).toEqual([]);
  });

  it('declares each method and path once, so no audience shadows another', () => {
    const app = createApp();
    const seen = new Map<string, number>();
    for (const def of app.openAPIRegistry.definitions) {
      if (def.type !== 'route') continue;
      const key = `${def.route.method} ${def.route.path}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect([...seen].filter(([, n]) => n > 1).map(([key]) => key)).toEqual([]);
  });

  it('lets a client discover published books, samples and the OPDS catalog from the document alone', async () => {
    const { doc } = await fetchDocument();
    for (const path of ['/api/v1/books', '/api/v1/books/{slug}', '/api/v1/books/{slug}/cover', '/api/v1/books/{slug}/sample.epub', '/api/v1/books/{slug}/sample.pdf', '/opds', '/opds/v1.2/catalog.xml']) {
      expect(doc.paths[path]?.get, path).toBeDefined();
      expect(doc.paths[path].get.tags?.length, path).toBeGreaterThan(0);
    }
  });
});
