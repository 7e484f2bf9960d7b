import { SELF } from 'cloudflare:test';

export const ADMIN = 'test-admin-token';
const BASE = 'https://bindery.test/api/v1';

/** Calls the editor API as a client would. `body` objects are sent as JSON, strings as Markdown. */
export async function api(
  method: string,
  path: string,
  options: { token?: string | null; body?: unknown; contentType?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? ADMIN : options.token;
  if (token) headers.authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (typeof options.body === 'string') {
    body = options.body;
    headers['content-type'] = options.contentType ?? 'text/markdown';
  } else if (options.body instanceof Uint8Array) {
    body = new Blob([options.body as Uint8Array<ArrayBuffer>]);
    headers['content-type'] = options.contentType ?? 'application/octet-stream';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = options.contentType ?? 'application/json';
  }
  return SELF.fetch(`${BASE}${path}`, { method, headers, body });
}

export async function json<T = any>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

export const enc = encodeURIComponent;

/** A Markdown article with front matter. */
export function article(title: string, fields: { date?: string; tags?: string[]; author?: string } = {}, body = `Some text about ${title}.\n`): string {
  const lines = [`title: ${title}`];
  if (fields.author) lines.push(`author: ${fields.author}`);
  if (fields.date) lines.push(`date: ${fields.date}`);
  if (fields.tags) lines.push(`tags: [${fields.tags.join(', ')}]`);
  return `---\n${lines.join('\n')}\n---\n\n${body}`;
}

export async function putArticle(id: string, markdown: string): Promise<void> {
  const res = await api('PUT', `/articles/${enc(id)}`, { body: markdown });
  if (res.status !== 201 && res.status !== 200) throw new Error(`PUT article ${id}: ${res.status} ${await res.text()}`);
}

export async function putBook(slug: string, chapters: unknown[], extra: Record<string, unknown> = {}): Promise<void> {
  const manifest = { title: `Book ${slug}`, language: 'en', authors: ['Test Author'], date: '2025-01-01', chapters, ...extra };
  const res = await api('PUT', `/books/${slug}`, { body: manifest });
  if (res.status !== 201 && res.status !== 200) throw new Error(`PUT book ${slug}: ${res.status} ${await res.text()}`);
}

export async function mint(scopes: string[], name = 'test'): Promise<{ id: string; token: string }> {
  return json(await api('POST', '/tokens', { body: { name, scopes } }), 201);
}

/** A 1×1 PNG. */
export const PNG = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='),
  (c) => c.charCodeAt(0),
);
