import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from './run-cli.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bindery-push-'));
  mkdirSync(join(dir, 'articles'));
  writeFileSync(join(dir, 'book.yaml'), 'title: Tides\nslug: tides\nlanguage: en\nauthors: [A]\ndate: 2025-01-01\nchapters: [articles/01-one.md, articles/02-two.md]\n');
  writeFileSync(join(dir, 'articles', '01-one.md'), '---\ntitle: One\n---\n\nSee [two](02-two.md).\n');
  writeFileSync(join(dir, 'articles', '02-two.md'), '---\ntitle: Two\n---\n\nText.\n\n![gone](../images/gone.png)\n');
});
afterEach(() => {
  vi.unstubAllGlobals();
  rmSync(dir, { recursive: true, force: true });
});

const problem = (status: number, body: Record<string, unknown>) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/problem+json' } });

/** An editor API that takes every upload and answers the build request as told; it records what it was sent. */
function stubEditorApi(onBuild: () => Response, onPoll?: () => Response) {
  const sent: { method: string; path: string; body: unknown }[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    const path = decodeURIComponent(new URL(url).pathname);
    sent.push({ method: init.method!, path, body: init.body });
    if (path.endsWith('/builds') && init.method === 'POST') return onBuild();
    if (path.startsWith('/api/v1/builds/')) return onPoll!();
    return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
  });
  return sent;
}

const push = () => runCli(['push', relative(process.cwd(), dir), '--api', 'http://editor.test', '--quiet'], { BINDERY_TOKEN: 'tok' });
const shown = (file: string) => relative(process.cwd(), join(dir, file));

describe('bindery push names the local file of a pool article the server refers to', () => {
  it('uploads the articles under <slug>/<stem> and the manifest with chapters naming those ids', async () => {
    const sent = stubEditorApi(() => problem(422, { type: 'https://bindery.dev/problems/missing-file', detail: 'x', code: 'missing-file' }));
    await push();
    expect(sent.filter((r) => r.path.startsWith('/api/v1/articles/')).map((r) => r.path)).toEqual(['/api/v1/articles/tides/01-one', '/api/v1/articles/tides/02-two']);
    const book = sent.find((r) => r.path === '/api/v1/books/tides')!;
    expect(JSON.parse(book.body as string).chapters).toEqual(['tides/01-one', 'tides/02-two']);
  });

  it('prints the file and line of the article a 422 names by id, with the id, and exits 1', async () => {
    stubEditorApi(() =>
      problem(422, {
        type: 'https://bindery.dev/problems/missing-file',
        detail: 'tides/02-two:7: image "tides/images/gone.png" not found',
        code: 'missing-file',
        message: 'image "tides/images/gone.png" not found',
        file: 'tides/02-two',
        line: 7,
        field: 'image',
      }),
    );
    const run = await push();
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${shown('articles/02-two.md')}:7: image "tides/images/gone.png" not found (article tides/02-two)`);
  });

  it('prints the file and line of the article a failed build names by id', async () => {
    const view = { id: 'bld_1', book: 'tides', progress: 1, contentHash: 'h', files: [] };
    stubEditorApi(
      () => new Response(JSON.stringify({ ...view, status: 'queued', error: null }), { status: 202 }),
      () => new Response(JSON.stringify({ ...view, status: 'failed', error: { code: 'invalid-article', message: 'field "date": expected a date', file: 'tides/01-one', line: 3, field: 'date' } })),
    );
    const run = await push();
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${shown('articles/01-one.md')}:3: field "date": expected a date (article tides/01-one)`);
  });
});

describe('bindery check names the file of an article in the book folder', () => {
  it('points a missing image at the article file and line', async () => {
    const run = await runCli(['check', relative(process.cwd(), dir)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${shown('articles/02-two.md')}:7: image "images/gone.png" not found`);
  });
});
