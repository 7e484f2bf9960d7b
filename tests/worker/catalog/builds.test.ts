import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../../../workers/index.ts';
import { FORMATS } from '../../../src/formats/registry.ts';
import { BuildRepository } from '../../../src/catalog/builds.ts';
import { cleanUpBuilds } from '../../../src/worker/cleanup.ts';
import { editionPrefix, snapshotKey } from '../../../src/catalog/editions.ts';
import { FONT_FILES } from '../../../src/pdf/font-keys.ts';
import { toHex } from '../../../src/crypto.ts';
import { api, article, enc, json, PNG, putArticle, putBook } from './api.ts';

/** Delivers one build message to the Worker's queue handler, as the queue would. */
async function consume(buildId: string, attempts = 1) {
  const batch = createMessageBatch('bindery-builds', [{ id: `msg-${buildId}-${attempts}`, timestamp: new Date(), attempts, body: { buildId } }]);
  await worker.queue(batch, env);
  return getQueueResult(batch, createExecutionContext());
}

/** Delivers one message of the dead-letter queue, as the queue does once a build's retries are spent. */
async function deadLetter(buildId: string) {
  const batch = createMessageBatch('bindery-builds-dlq', [{ id: `dlq-${buildId}`, timestamp: new Date(), attempts: 1, body: { buildId } }]);
  await worker.queue(batch, env);
  return getQueueResult(batch, createExecutionContext());
}

const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

async function buildCount(slug: string): Promise<number> {
  return (await env.DB.prepare('SELECT COUNT(*) AS n FROM builds WHERE book_slug = ?').bind(slug).first<{ n: number }>())!.n;
}

async function requestBuild(slug: string, expected = 202) {
  return json(await api('POST', `/books/${slug}/builds`), expected);
}

async function buildReady(slug: string) {
  const queued = await requestBuild(slug);
  await consume(queued.id);
  const build = await json(await api('GET', `/builds/${queued.id}`), 200);
  expect(build.error).toBeNull();
  expect(build.status).toBe('ready');
  return build;
}

async function download(buildId: string, format: string): Promise<Uint8Array> {
  const res = await api('GET', `/builds/${buildId}/files/${format}`);
  expect(res.status).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

function epubText(bytes: Uint8Array): string {
  const files = unzipSync(bytes);
  return Object.entries(files)
    .filter(([name]) => name.endsWith('.xhtml'))
    .map(([, data]) => strFromU8(data))
    .join('\n');
}

const formats = [...FORMATS].sort();

beforeAll(async () => {
  for (const font of FONT_FILES) {
    const res = await env.TEST_FONTS.fetch(`https://fonts/${font.r2Key}`);
    await env.BOOKS.put(font.r2Key, await res.arrayBuffer());
  }
});

async function seedBook(slug: string) {
  await putArticle(`${slug}/01-start`, article('Getting started', { date: '2025-01-01' }, 'The first chapter talks about harbour tides.\n\n![A dot](../images/dot.png)\n'));
  await api('PUT', `/articles/${enc(`${slug}/01-start`)}/assets/${enc('../images/dot.png')}`, { body: PNG });
  await putArticle(`${slug}/02-more`, article('Going further', { date: '2025-01-02' }, 'The second chapter covers lighthouse keepers.\n'));
  await putBook(slug, [{ article: `${slug}/01-start`, sample: true }, `${slug}/02-more`], { cover: 'cover.png' });
  expect((await api('PUT', `/books/${slug}/assets/cover.png`, { body: PNG })).status).toBe(201);
}

describe('builds through the queue', () => {
  it(`builds every registered format (${formats.join(', ')}) and its sample into content-addressed R2 keys`, async () => {
    await seedBook('tides');
    const queued = await requestBuild('tides');
    expect(queued.status).toBe('queued');
    await consume(queued.id);
    const build = await json(await api('GET', `/builds/${queued.id}`), 200);
    expect(build).toMatchObject({ status: 'ready', progress: 1, error: null });
    expect(build.files.map((f: { format: string }) => f.format).sort()).toEqual([...formats, ...formats.map((f) => `sample-${f}`)].sort());
    const rows = await env.DB.prepare('SELECT format, r2_key FROM build_files WHERE build_id = ?').bind(queued.id).all<{ format: string; r2_key: string }>();
    for (const row of rows.results) {
      const ext = row.format.replace('sample-', '');
      const name = row.format.startsWith('sample-') ? `tides-sample.${ext}` : `tides.${ext}`;
      expect(row.r2_key).toBe(`editions/tides/${build.contentHash}/${name}`);
    }
    const epub = await download(queued.id, 'epub');
    expect(strFromU8(unzipSync(epub).mimetype)).toBe('application/epub+zip');
    const text = epubText(epub);
    expect(text).toContain('harbour tides');
    expect(text).toContain('lighthouse keepers');
    const sample = epubText(await download(queued.id, 'sample-epub'));
    expect(sample).toContain('harbour tides');
    expect(sample).not.toContain('lighthouse keepers');
    const epubFile = build.files.find((f: { format: string }) => f.format === 'epub');
    expect(epubFile.size).toBe(epub.byteLength);
    if (formats.includes('pdf')) {
      const pdf = await download(queued.id, 'pdf');
      expect(strFromU8(pdf.subarray(0, 5))).toBe('%PDF-');
      const pdfFile = build.files.find((f: { format: string }) => f.format === 'pdf');
      expect(pdfFile.pages).toBeGreaterThan(0);
      // Stored from its blocks as written and hashed without joining them: the record still names these exact bytes.
      expect(pdfFile.size).toBe(pdf.byteLength);
      expect(pdfFile.sha256).toBe(toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', pdf))));
      expect(strFromU8(pdf.subarray(-6)).trim()).toBe('%%EOF');
    }
  });

  it('returns the existing build for the same content and does not duplicate rows when the message is replayed', async () => {
    await seedBook('same-content');
    const first = await buildReady('same-content');
    const again = await requestBuild('same-content', 200);
    expect(again.id).toBe(first.id);
    await consume(first.id, 2);
    const count = await env.DB.prepare('SELECT COUNT(*) AS n FROM builds WHERE book_slug = ?').bind('same-content').first<{ n: number }>();
    expect(count?.n).toBe(1);
    const files = await env.DB.prepare('SELECT COUNT(*) AS n FROM build_files WHERE build_id = ?').bind(first.id).first<{ n: number }>();
    expect(files?.n).toBe(formats.length * 2);
    await putArticle('same-content/02-more', article('Going further', { date: '2025-01-02' }, 'Changed text.\n'));
    const changed = await requestBuild('same-content');
    expect(changed.id).not.toBe(first.id);
  });

  it('publishes a ready build and rolls back by publishing an earlier one', async () => {
    await seedBook('rollback');
    const v1 = await buildReady('rollback');
    await putArticle('rollback/02-more', article('Going further', {}, 'Second edition text.\n'));
    const v2 = await buildReady('rollback');
    for (const id of [v1.id, v2.id, v1.id]) {
      const published = await json(await api('POST', '/books/rollback/publish', { body: { buildId: id } }), 200);
      expect(published.buildId).toBe(id);
    }
    const book = await json(await api('GET', '/editor/books/rollback'), 200);
    expect(book.publishedBuildId).toBe(v1.id);
    expect(book.publications.map((p: { buildId: string }) => p.buildId)).toEqual([v1.id, v2.id, v1.id]);
    expect((await api('POST', '/books/rollback/publish', { body: { buildId: 'bld_unknown' } })).status).toBe(404);
    expect((await api('POST', '/books/rollback/publish', { body: {} })).status).toBe(400);
  });

  it('refuses to publish a build that is not ready with 409', async () => {
    await seedBook('not-ready');
    const queued = await requestBuild('not-ready');
    const res = await api('POST', '/books/not-ready/publish', { body: { buildId: queued.id } });
    if ((await new BuildRepository(env.DB).get(queued.id)).status !== 'ready') expect(res.status).toBe(409);
  });

  it('answers 422 naming the article and line for content that cannot be built, and keeps the published edition', async () => {
    await seedBook('broken');
    const good = await buildReady('broken');
    await json(await api('POST', '/books/broken/publish', { body: { buildId: good.id } }), 200);
    await putArticle('broken/02-more', article('Going further', {}, 'Fine line.\n\n![missing](../images/nowhere.png)\n'));
    const res = await api('POST', '/books/broken/builds');
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const failure = await res.json<{ file: string; line: number; detail: string }>();
    expect(failure).toMatchObject({ file: 'broken/02-more', line: 7 });
    expect(failure.detail).toMatch(/^broken\/02-more:7: /);
    const book = await json(await api('GET', '/editor/books/broken'), 200);
    expect(book.publishedBuildId).toBe(good.id);
    expect((await download(good.id, 'epub')).byteLength).toBeGreaterThan(0);
  });

  it('answers 422 naming the line, not a server error, for quotes nested 4,000 deep (marked would overflow the stack)', async () => {
    await seedBook('deep');
    await putArticle('deep/02-more', article('Going further', {}, `Fine line.\n\n${'>'.repeat(4000)} deep\n`));
    const failure = await json(await api('POST', '/books/deep/builds'), 422);
    expect(failure).toMatchObject({ file: 'deep/02-more', line: 7 });
    expect(failure.detail).toMatch(/nest 4000 deep here; at most 100/);
  });

  it('answers 422 naming the line, not a server error, for raw HTML nested 3,000 deep (the sanitizer overflowed the stack)', async () => {
    await seedBook('deep-html');
    await putArticle('deep-html/02-more', article('Going further', {}, `Fine line.\n\n<p>${'<b>'.repeat(3000)}x${'</b>'.repeat(3000)}</p>\n`));
    const failure = await json(await api('POST', '/books/deep-html/builds'), 422);
    expect(failure).toMatchObject({ file: 'deep-html/02-more', line: 7 });
    expect(failure.detail).toMatch(/HTML elements nest more than 100 deep here; at most 100/);
  });

  it('marks a build failed in the consumer with the article and line when its content cannot be built', async () => {
    await seedBook('late-failure');
    const queued = await requestBuild('late-failure');
    const key = snapshotKey('late-failure', queued.contentHash);
    const snapshot = await (await env.BOOKS.get(key))!.json<{ articles: { id: string; markdown: string }[] }>();
    snapshot.articles[1].markdown = '---\ntitle: Broken\ndate: yesterday\n---\nText\n';
    await env.BOOKS.put(key, JSON.stringify(snapshot));
    const result = await consume(queued.id);
    expect(result.explicitAcks).toContain(`msg-${queued.id}-1`);
    const build = await json(await api('GET', `/builds/${queued.id}`), 200);
    expect(build.status).toBe('failed');
    expect(build.error).toMatchObject({ file: 'late-failure/02-more', line: 3, field: 'date' });
  });

  it('keeps a published edition downloadable after its article is deleted', async () => {
    await seedBook('deleted');
    const build = await buildReady('deleted');
    await json(await api('POST', '/books/deleted/publish', { body: { buildId: build.id } }), 200);
    expect((await api('DELETE', `/articles/${enc('deleted/02-more')}`)).status).toBe(204);
    expect(epubText(await download(build.id, 'epub'))).toContain('lighthouse keepers');
    const rebuild = await json(await api('POST', '/books/deleted/builds'), 422);
    expect(rebuild.detail).toMatch(/deleted\/02-more/);
  });

  it('fails stale builds and removes the R2 objects of failed builds, never those of live ones', async () => {
    await seedBook('stale');
    const live = await buildReady('stale');
    const builds = new BuildRepository(env.DB);
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000).toISOString();
    const staleHash = 'f'.repeat(64);
    await builds.enqueue('bld_stale', 'stale', staleHash);
    await env.DB.prepare('UPDATE builds SET updated_at = ? WHERE id = ?').bind(old, 'bld_stale').run();
    await env.BOOKS.put(`${editionPrefix('stale', staleHash)}stale.epub`, 'partial');
    const result = await cleanUpBuilds(env.DB, env.BOOKS);
    expect(result.failed).toContain('bld_stale');
    expect(result.purged).toContain('bld_stale');
    expect((await builds.get('bld_stale')).status).toBe('failed');
    expect(await env.BOOKS.head(`${editionPrefix('stale', staleHash)}stale.epub`)).toBeNull();
    for (const file of (await builds.get(live.id)).files) expect(await env.BOOKS.head(file.r2Key)).not.toBeNull();
  });

  it('answers 422 naming the article and line, and records no build, however often content that fails validation is requested', async () => {
    await seedBook('invalid-twice');
    await putArticle('invalid-twice/02-more', article('Going further', {}, 'Text.\n\n![missing](../images/nowhere.png)\n'));
    for (let i = 0; i < 2; i++) {
      const res = await api('POST', '/books/invalid-twice/builds');
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await res.json()).toMatchObject({ file: 'invalid-twice/02-more', line: 7 });
    }
    expect(await buildCount('invalid-twice')).toBe(0);
  });

  it('replaces a build stuck in building whose lease lapsed when the same content is requested again', async () => {
    await seedBook('crashed');
    const stuck = await requestBuild('crashed');
    // The consumer claimed it and died: no progress since, and its lease ran out a minute ago.
    await env.DB.prepare("UPDATE builds SET status = 'building', lease_expires_at = ?, updated_at = ? WHERE id = ?")
      .bind(minutesFromNow(-1), minutesFromNow(-11), stuck.id)
      .run();
    const again = await requestBuild('crashed', 202);
    expect(again.id).not.toBe(stuck.id);
    expect(again.status).toBe('queued');
    const old = await json(await api('GET', `/builds/${stuck.id}`), 200);
    expect(old.status).toBe('failed');
    expect(old.error.message).toMatch(/stopped responding/);
    await consume(again.id);
    expect((await json(await api('GET', `/builds/${again.id}`), 200)).status).toBe('ready');
    expect(await requestBuild('crashed', 200)).toMatchObject({ id: again.id });
  });

  it('keeps a build whose lease is live, renewing it with progress: neither a new request nor the cleanup takes it over', async () => {
    await seedBook('alive');
    const queued = await requestBuild('alive');
    const builds = new BuildRepository(env.DB);
    await builds.claim(queued.id);
    const lease = async () => Date.parse((await env.DB.prepare('SELECT lease_expires_at AS at FROM builds WHERE id = ?').bind(queued.id).first<{ at: string }>())!.at);
    expect(await lease()).toBeGreaterThan(Date.parse(minutesFromNow(9)));
    await env.DB.prepare('UPDATE builds SET lease_expires_at = ? WHERE id = ?').bind(minutesFromNow(1), queued.id).run();
    await builds.setProgress(queued.id, 0.5);
    expect(await lease()).toBeGreaterThan(Date.parse(minutesFromNow(9)));
    expect(await requestBuild('alive', 200)).toMatchObject({ id: queued.id, status: 'building' });
    expect((await cleanUpBuilds(env.DB, env.BOOKS)).failed).not.toContain(queued.id);
    expect(await buildCount('alive')).toBe(1);
  });

  it('fails a build whose message reached the dead-letter queue, saying how often it failed and why', async () => {
    await seedBook('dead-letter');
    const queued = await requestBuild('dead-letter');
    await env.BOOKS.put(snapshotKey('dead-letter', queued.contentHash), 'not json');
    for (const attempt of [1, 2]) expect((await consume(queued.id, attempt)).retryMessages).toHaveLength(1);
    const result = await deadLetter(queued.id);
    expect(result.explicitAcks).toContain(`dlq-${queued.id}`);
    const build = await json(await api('GET', `/builds/${queued.id}`), 200);
    expect(build.status).toBe('failed');
    expect(build.error.message).toMatch(/^the build failed 2 times: SyntaxError/);
  });
});
