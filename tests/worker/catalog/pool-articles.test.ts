import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../../../workers/index.ts';
import { snapshotKey } from '../../../src/catalog/editions.ts';
import { FONT_FILES } from '../../../src/pdf/font-keys.ts';
import { snapshotBook } from '../../../src/worker/snapshot.ts';
import { DEFAULT_TDM } from '../../../src/tdm.ts';
import { api, article, enc, json, PNG, putArticle, putBook } from './api.ts';

/** A 1×1 SVG: an image with other bytes than PNG. */
const SVG = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><rect width="1" height="1"/></svg>');

async function consume(buildId: string) {
  const batch = createMessageBatch('bindery-builds', [{ id: `msg-${buildId}`, timestamp: new Date(), attempts: 1, body: { buildId } }]);
  await worker.queue(batch, env);
  return getQueueResult(batch, createExecutionContext());
}

async function build(slug: string) {
  const queued = await json(await api('POST', `/books/${slug}/builds`), 202);
  await consume(queued.id);
  return json(await api('GET', `/builds/${queued.id}`), 200);
}

async function epubFiles(buildId: string): Promise<Map<string, Uint8Array>> {
  const res = await api('GET', `/builds/${buildId}/files/epub`);
  expect(res.status).toBe(200);
  return new Map(Object.entries(unzipSync(new Uint8Array(await res.arrayBuffer()))));
}

async function putImage(id: string, reference: string, bytes: Uint8Array) {
  expect((await api('PUT', `/articles/${enc(id)}/assets/${enc(reference)}`, { body: bytes })).status).toBe(201);
}

/** Two articles as `bindery push` uploads a book folder: a link from one to the other, and an image beside them. */
async function seedLinkedBook(slug: string) {
  await putArticle(
    `${slug}/01-start`,
    '---\ntitle: Start\nmood: calm\n---\n\nRead [the next part](02-more.md#going-deeper).\n\n![A dot](../images/dot.png)\n',
  );
  await putImage(`${slug}/01-start`, '../images/dot.png', PNG);
  await putArticle(`${slug}/02-more`, article('More', {}, '## Going deeper\n\nDeeper text.\n'));
  await putBook(slug, [{ article: `${slug}/01-start`, sample: true }, { part: 'Later', chapters: [`${slug}/02-more`] }]);
}

beforeAll(async () => {
  for (const font of FONT_FILES) {
    const res = await env.TEST_FONTS.fetch(`https://fonts/${font.r2Key}`);
    await env.BOOKS.put(font.r2Key, await res.arrayBuffer());
  }
});

describe('pool articles in a build', () => {
  it('freezes the manifest as stored, chapters naming article ids, and each article with its images as it references them', async () => {
    await seedLinkedBook('frozen');
    const snapshot = await snapshotBook(env.DB, 'frozen', DEFAULT_TDM);
    expect(snapshot.manifest.chapters).toEqual([{ article: 'frozen/01-start', sample: true }, { part: 'Later', chapters: ['frozen/02-more'] }]);
    expect(snapshot.articles.map((a) => [a.id, a.assets.map((i) => i.path)])).toEqual([
      ['frozen/01-start', ['../images/dot.png']],
      ['frozen/02-more', []],
    ]);
    expect(JSON.stringify(snapshot)).not.toContain('/articles/');
  });

  it('resolves links between pool articles and their images, and names the article id in warnings', async () => {
    await seedLinkedBook('linked');
    const ready = await build('linked');
    expect(ready.status).toBe('ready');
    const files = await epubFiles(ready.id);
    const first = strFromU8(files.get('EPUB/ch01.xhtml')!);
    expect(first).toContain('<a href="ch02.xhtml#going-deeper">the next part</a>');
    expect(first).toMatch(/<img src="images\/[^"]+\.png" alt="A dot"/);
    const row = await env.DB.prepare('SELECT facts FROM builds WHERE id = ?').bind(ready.id).first<{ facts: string }>();
    expect(JSON.parse(row!.facts).warnings).toEqual([expect.objectContaining({ file: 'linked/01-start', line: 3, message: expect.stringContaining('"mood"') })]);
  });

  it('keeps apart two books’ images of the same name in one bundle', async () => {
    await putArticle('harbour/01', article('Harbour', { date: '2025-01-01' }, '![Chart](../images/chart.png)\n'));
    await putImage('harbour/01', '../images/chart.png', PNG);
    await putArticle('lighthouse/01', article('Lighthouse', { date: '2025-01-02' }, '![Chart](../images/chart.png)\n'));
    await putImage('lighthouse/01', '../images/chart.png', SVG);
    const bundle = { title: 'Coast', language: 'en', authors: ['A'], query: { articleIds: ['harbour/01', 'lighthouse/01'] } };
    expect((await api('PUT', '/bundles/coast', { body: bundle })).status).toBe(201);
    const ready = await build('coast');
    expect(ready.status).toBe('ready');
    const images = [...(await epubFiles(ready.id)).keys()].filter((path) => /\.(png|svg)$/.test(path) && !path.includes('cover'));
    expect(images).toHaveLength(2);
  });

  it('answers 422 naming the article id and line of a broken image, and fails a late one in the consumer the same way', async () => {
    await seedLinkedBook('broken-link');
    await putArticle('broken-link/02-more', article('More', {}, 'Text.\n\n![gone](../images/gone.png)\n'));
    const refused = await api('POST', '/books/broken-link/builds');
    expect(refused.status).toBe(422);
    const problem = await refused.json<{ file: string; line: number; detail: string }>();
    expect(problem).toMatchObject({ file: 'broken-link/02-more', line: 7 });
    expect(problem.detail).toMatch(/^broken-link\/02-more:7: image "[^"]*gone\.png" not found/);

    await putArticle('broken-link/02-more', article('More', {}, 'Text.\n'));
    const queued = await json(await api('POST', '/books/broken-link/builds'), 202);
    const key = snapshotKey('broken-link', queued.contentHash);
    const snapshot = await (await env.BOOKS.get(key))!.json<{ articles: { id: string; markdown: string }[] }>();
    snapshot.articles[1].markdown = article('More', {}, 'Text.\n\n![gone](../images/gone.png)\n');
    await env.BOOKS.put(key, JSON.stringify(snapshot));
    await consume(queued.id);
    const failed = await json(await api('GET', `/builds/${queued.id}`), 200);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ file: 'broken-link/02-more', line: 7 });
  });

  it('names the manifest field of a missing pool article, without a line', async () => {
    await putArticle('gap/01', article('One'));
    await putBook('gap', ['gap/01', 'gap/02']);
    const problem = await json(await api('POST', '/books/gap/builds'), 422);
    expect(problem).toMatchObject({ file: 'book.yaml', field: 'chapters.1' });
    expect(problem.line).toBeUndefined();
  });

  it('builds a book whose manifest row was stored before this release', async () => {
    await seedLinkedBook('stored-before');
    // The row exactly as PUT /books stored it: the validated manifest, chapters naming article ids.
    const manifest = {
      title: 'Stored before',
      language: 'en',
      authors: ['Test Author'],
      date: '2025-01-01',
      tags: [],
      page: 'a5',
      chapters: [{ article: 'stored-before/01-start', sample: true }, { part: 'Later', chapters: ['stored-before/02-more'] }],
    };
    await env.DB.prepare('UPDATE books SET manifest = ? WHERE slug = ?').bind(JSON.stringify(manifest), 'stored-before').run();
    const ready = await build('stored-before');
    expect(ready.status).toBe('ready');
    expect(strFromU8((await epubFiles(ready.id)).get('EPUB/ch01.xhtml')!)).toContain('href="ch02.xhtml#going-deeper"');
  });
});
