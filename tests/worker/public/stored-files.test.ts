import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { snapshotKey } from '../../../src/catalog/editions.ts';
import { api, article, json, putArticle, putBook } from '../catalog/api.ts';
import { publishFixture } from './fixtures.ts';

const BASE = 'https://bindery.test';
const get = (path: string) => SELF.fetch(`${BASE}${path}`);

/** A cover an attacker uploaded: script under a prefix, an XLink javascript: link, a handler, an outside style sheet. */
const HOSTILE_COVER = `<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:s="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink" width="400" height="600" onload="alert('root')">
  <s:script>alert(document.cookie)</s:script>
  <script>alert('plain')</script>
  <a x:href="javascript:alert('link')"><rect width="400" height="600" fill="#264653"/></a>
  <style>@import url(https://evil.example/x.css);</style>
  <text x="20" y="300" fill="#fff">Cover title</text>
</svg>`;
const DANGER = /alert|script|onload|javascript:|evil\.example|xmlns:(s|x)=/;

const FILE_CSP = "default-src 'none'; style-src 'unsafe-inline'";

function expectFileHeaders(res: Response) {
  expect(res.headers.get('content-security-policy')).toBe(FILE_CSP);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
}

beforeAll(async () => {
  // A plain book (generated covers) and one whose stored PNG cover we replace below.
  await publishFixture({ slug: 'plain-cover', title: 'Plain', language: 'en', publishedAt: '2025-03-01T10:00:00.000Z' });
  const { contentHash } = await publishFixture({ slug: 'old-svg-cover', title: 'Old SVG', language: 'en', publishedAt: '2025-03-02T10:00:00.000Z', withCover: true });
  // An SVG cover stored raw, as uploads were before they were cleaned.
  await env.BOOKS.put('assets/raw-svg-cover', HOSTILE_COVER, { httpMetadata: { contentType: 'image/svg+xml' } });
  // The edition's frozen input points its cover at that raw file.
  const key = snapshotKey('old-svg-cover', contentHash);
  const snapshot = (await (await env.BOOKS.get(key))!.json()) as { assets: { path: string; r2Key: string; sha256: string }[] };
  snapshot.assets = snapshot.assets.map((a) => (a.path === 'cover.png' ? { ...a, r2Key: 'assets/raw-svg-cover', sha256: 'raw' } : a));
  await env.BOOKS.put(key, JSON.stringify(snapshot));
});

describe('SVG covers', () => {
  it('are stored cleaned when an editor uploads one', async () => {
    await putArticle('svg-upload/01', article('One'));
    await putBook('svg-upload', ['svg-upload/01'], { cover: 'cover.svg' });
    const stored = await json<{ sha256: string; mediaType: string }>(await api('PUT', '/books/svg-upload/assets/cover.svg', { body: new TextEncoder().encode(HOSTILE_COVER) }), 201);
    expect(stored.mediaType).toBe('image/svg+xml');
    const text = await (await env.BOOKS.get(`assets/${stored.sha256}`))!.text();
    expect(text).not.toMatch(DANGER);
    expect(text).toContain('Cover title');
  });

  it('stored raw before uploads were cleaned come out clean, with a policy that forbids script', async () => {
    const res = await get('/api/v1/books/old-svg-cover/cover');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expectFileHeaders(res);
    const text = await res.text();
    expect(text).not.toMatch(DANGER);
    expect(text).toContain('<rect width="400" height="600" fill="#264653"/>');
    expect(res.headers.get('content-length')).toBe(String(new TextEncoder().encode(text).byteLength));
  });
});

describe('stored and generated files', () => {
  it('are sent with a policy that forbids script and with nosniff, in every format', async () => {
    for (const path of [
      '/api/v1/books/plain-cover/cover',
      '/api/v1/books/plain-cover/cover.png',
      '/api/v1/books/old-svg-cover/cover.png',
      '/api/v1/books/plain-cover/sample.epub',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expectFileHeaders(res);
      await res.arrayBuffer();
    }
  });
});
