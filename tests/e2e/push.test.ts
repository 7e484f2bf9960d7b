import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startTestWorker, type TestWorker } from '../support/test-worker.ts';

const TOKEN = `bnd_e2e_${randomBytes(16).toString('hex')}`;

let server: TestWorker | undefined;
let cannotStart: string | undefined;

beforeAll(async () => {
  try {
    server = await startTestWorker('e2e-push', { ADMIN_TOKEN: TOKEN });
  } catch (error) {
    cannotStart = `wrangler dev could not start: ${(error as Error).message.split('\n').slice(0, 3).join(' ')}`;
    if (process.env.CI === 'true') throw error;
  }
});

afterAll(async () => {
  await server?.stop();
});

async function editor(path: string): Promise<Response> {
  return fetch(`${server!.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
}

describe('bindery push against wrangler dev', () => {
  it('pushes, builds and publishes a sample book whose published EPUB then downloads', async (ctx) => {
    if (!server) return ctx.skip(cannotStart);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['bin/bindery.js', 'push', 'books/remote-newsroom-playbook', '--api', server.url, '--token', TOKEN, '--publish'],
      { cwd: ROOT, timeout: 240_000 },
    );
    expect(stdout).toMatch(/Build bld_\w+ ready/);
    expect(stdout).toMatch(/Published remote-newsroom-playbook/);

    const book = (await (await editor('/api/v1/editor/books/remote-newsroom-playbook')).json()) as { publishedBuildId: string };
    expect(book.publishedBuildId).toMatch(/^bld_/);
    const res = await editor(`/api/v1/builds/${book.publishedBuildId}/files/epub`);
    expect(res.status).toBe(200);
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
    expect(strFromU8(files.mimetype)).toBe('application/epub+zip');
    const text = Object.entries(files).filter(([name]) => name.endsWith('.xhtml')).map(([, data]) => strFromU8(data)).join('');
    expect(text).toContain('A Newsroom Without a Room');
  });

  it('exits non-zero with the failing article and line when the server rejects the book', async (ctx) => {
    if (!server) return ctx.skip(cannotStart);
    const tmp = await mkdtemp(join(tmpdir(), 'bindery-broken-'));
    try {
      const { writeFile, mkdir } = await import('node:fs/promises');
      await mkdir(join(tmp, 'articles'));
      await writeFile(join(tmp, 'book.yaml'), 'title: Broken\nslug: e2e-broken\nlanguage: en\nauthors: [A]\ndate: 2025-01-01\nchapters: [articles/01-one.md]\n');
      await writeFile(join(tmp, 'articles', '01-one.md'), '---\ntitle: One\n---\n\nText.\n\n![gone](../images/missing.png)\n');
      const run = promisify(execFile)(process.execPath, ['bin/bindery.js', 'push', tmp, '--api', server.url, '--token', TOKEN], { cwd: ROOT });
      const failure = await run.then(() => null, (error: { code: number; stderr: string }) => error);
      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toMatch(/articles\/01-one\.md:7: .*missing\.png.*\(article e2e-broken\/01-one\)/);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
