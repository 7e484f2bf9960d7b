import { createExecutionContext, createMessageBatch, env, getQueueResult, SELF } from 'cloudflare:test';
import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../../../workers/index.ts';
import { ConsentLinks } from '../../../src/catalog/consent-links.ts';
import { snapshotKey } from '../../../src/catalog/editions.ts';
import { FONT_FILES } from '../../../src/pdf/font-keys.ts';
import { api, enc, json, PNG, putArticle, putBook } from '../catalog/api.ts';
import { buy, libraryOf, type Buyer } from '../commerce/fixtures.ts';
import { everyObjectText } from '../commerce/pdf-text.ts';

/**
 * One story, told once (every build renders EPUB and PDF, so the file shares
 * them): a curated book and a topic bundle carry an interview and a
 * photographer's image; a reader buys the book; the interviewee withdraws
 * through their link, the photographer through the publisher.
 */

const ORIGIN = 'https://bindery.test';
const INTERVIEW = 'The harbourmaster said the quokka tides were kind to small boats.';

async function consume(buildId: string) {
  const batch = createMessageBatch('bindery-builds', [{ id: `msg-${buildId}`, timestamp: new Date(), attempts: 1, body: { buildId } }]);
  await worker.queue(batch, env);
  return getQueueResult(batch, createExecutionContext());
}

/** Builds the book's current content through the queue and publishes it, as an editor does. */
async function buildAndPublish(slug: string): Promise<string> {
  const build = await json(await api('POST', `/books/${slug}/builds`), 202);
  await consume(build.id);
  expect((await json(await api('GET', `/builds/${build.id}`), 200)).status).toBe('ready');
  await json(await api('POST', `/books/${slug}/publish`, { body: { buildId: build.id } }), 200);
  return build.id;
}

const publishedBuild = async (slug: string): Promise<string> => (await json(await api('GET', `/editor/books/${slug}`), 200)).publishedBuildId;

function epubText(bytes: Uint8Array): { text: string; files: string[] } {
  const files = unzipSync(bytes);
  const text = Object.entries(files)
    .filter(([name]) => name.endsWith('.xhtml'))
    .map(([, data]) => strFromU8(data))
    .join('\n');
  return { text, files: Object.keys(files) };
}

async function buildFile(buildId: string, format: string): Promise<Uint8Array> {
  const res = await api('GET', `/builds/${buildId}/files/${format}`);
  expect(res.status).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

const consentPage = (token: string, init: RequestInit = {}) => SELF.fetch(`${ORIGIN}/consent/${token}`, { redirect: 'manual', ...init });
const postForm = (token: string, action: 'withdraw' | 'grant', body = '', headers: Record<string, string> = { origin: ORIGIN }) =>
  SELF.fetch(`${ORIGIN}/consent/${token}/${action}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
const statusOf = async (id: string) => (await json(await api('GET', `/consents/${id}`), 200)).status;

let interviewConsent: { id: string; link: string };
let photoConsent: { id: string; link: string };
let token: string;
const original: Record<string, string> = {};
let buyer: Buyer;

beforeAll(async () => {
  for (const font of FONT_FILES) await env.BOOKS.put(font.r2Key, await (await env.TEST_FONTS.fetch(`https://fonts/${font.r2Key}`)).arrayBuffer());
  await putArticle('coast/01-interview', `---\ntitle: Harbour interview\ndate: 2025-03-01\ntags: [coast]\n---\n\n${INTERVIEW}\n`);
  await putArticle('coast/02-lighthouse', `---\ntitle: Lighthouse keepers\ndate: 2025-03-02\ntags: [coast]\n---\n\nThe lamp turns all night.\n\n![The lamp room](../images/lamp.png)\n`);
  await api('PUT', `/articles/${enc('coast/02-lighthouse')}/assets/${enc('../images/lamp.png')}`, { body: PNG });
  await putArticle('coast/03-ferries', `---\ntitle: Ferries\ndate: 2025-03-03\ntags: [coast]\n---\n\nFerries leave at dawn.\n`);

  interviewConsent = await json(
    await api('POST', '/consents', { body: { contributor: 'Mei Lin', role: 'interviewee', email: 'mei@example.com', articles: ['coast/01-interview'] } }),
    201,
  );
  photoConsent = await json(await api('POST', '/consents', { body: { contributor: 'Ade Photo', role: 'photographer', images: [{ article: 'coast/02-lighthouse', path: '../images/lamp.png' }] } }), 201);
  token = interviewConsent.link.slice(`${ORIGIN}/consent/`.length);
  // The article declares its contributor too: front matter and record name the same consent.
  await putArticle(
    'coast/01-interview',
    `---\ntitle: Harbour interview\ndate: 2025-03-01\ntags: [coast]\ncontributors:\n  - name: Mei Lin\n    role: interviewee\n    consent: ${interviewConsent.id}\n---\n\n${INTERVIEW}\n`,
  );

  await putBook('coast-guide', [{ article: 'coast/01-interview', sample: true }, 'coast/02-lighthouse', 'coast/03-ferries'], { price: { amount: 299, currency: 'TWD' } });
  expect((await api('PUT', '/bundles/coast-bundle', { body: { title: 'Coast bundle', language: 'en', authors: ['Desk'], query: { tagsAny: ['coast'] } } })).status).toBe(201);
  original['coast-guide'] = await buildAndPublish('coast-guide');
  original['coast-bundle'] = await buildAndPublish('coast-bundle');
  buyer = await buy('coast-guide', 'consent-reader@example.com');
});

describe('a contributor withdrawing consent', () => {
  it('shows the contributor what of theirs is used and in which editions on sale', async () => {
    const res = await consentPage(token);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
    const page = await res.text();
    expect(page).toContain('<html lang="en"');
    expect(page).toContain('Harbour interview');
    expect(page).toContain('Book coast-guide');
    expect(page).toContain('Coast bundle');
    expect(page).toContain('<label for="consent-reason">');
    const listed = await json(await api('GET', `/consents?article=${enc('coast/01-interview')}`), 200);
    expect(listed.items.map((c: { id: string }) => c.id)).toEqual([interviewConsent.id]);
    const { uses } = await json(await api('GET', `/consents/${interviewConsent.id}`), 200);
    expect(uses).toEqual([{ article: 'coast/01-interview', title: 'Harbour interview', image: null, origin: 'front-matter' }]);
  });

  it('speaks Traditional Chinese to a contributor whose record asks for it', async () => {
    await putArticle('coast/99-notes', '---\ntitle: 採訪筆記\n---\n\n筆記。\n');
    const zh = await json(await api('POST', '/consents', { body: { contributor: '林美華', role: 'interviewee', language: 'zh-Hant', scope: 'book', book: 'coast-guide', articles: ['coast/99-notes'] } }), 201);
    const page = await (await SELF.fetch(zh.link)).text();
    expect(page).toContain('<html lang="zh-Hant"');
    expect(page).toContain('撤回我的同意');
    expect(page).toContain('同意範圍：僅限《coast-guide》。');
    expect(page).toContain('採訪筆記');
    // Consent for one book keeps the article out of every other one.
    expect((await api('PUT', '/bundles/notes-bundle', { body: { title: 'Notes', language: 'zh-Hant', authors: ['Desk'], query: { articleIds: ['coast/99-notes', 'coast/03-ferries'] } } })).status).toBe(201);
    const build = await json(await api('POST', '/books/notes-bundle/builds'), 202);
    const snapshot = await (await env.BOOKS.get(snapshotKey('notes-bundle', build.contentHash)))!.json<{ articles: { id: string }[]; removed: { article: string; status: string }[] }>();
    expect(snapshot.articles.map((a) => a.id)).toEqual(['coast/03-ferries']);
    expect(snapshot.removed).toMatchObject([{ article: 'coast/99-notes', status: 'granted' }]);
  });

  it('refuses forged, expired and cross-site requests and changes nothing', async () => {
    const forged = `${interviewConsent.id}.${token.split('.')[1]}.${'A'.repeat(43)}`;
    const expired = await new ConsentLinks('test-signing-key').issue(interviewConsent.id, Date.now() - 6 * 365 * 24 * 3600 * 1000);
    for (const bad of [forged, expired, 'nonsense']) {
      const page = await consentPage(bad);
      expect(page.status).toBe(403);
      expect(await page.text()).toMatch(/not valid|expired/);
      expect((await postForm(bad, 'withdraw', 'reason=forged')).status).toBe(403);
    }
    expect((await postForm(token, 'withdraw', '', { origin: 'https://evil.example' })).status).toBe(403);
    expect((await postForm(token, 'withdraw', '', { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect(await statusOf(interviewConsent.id)).toBe('granted');
    expect(await publishedBuild('coast-guide')).toBe(original['coast-guide']);
  });

  it('removes the article from the bundle and the curated book, publishes the rebuilds, and serves the buyer the new edition', async () => {
    // An edit the editor has not published yet must not go on sale with the rebuild.
    const ferries = `---\ntitle: Ferries\ndate: 2025-03-03\ntags: [coast]\n---\n\nFerries leave at dawn.\n`;
    await putArticle('coast/03-ferries', ferries.replace('at dawn', 'at noon (unpublished draft)'));
    const res = await postForm(token, 'withdraw', 'reason=I+moved+away');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/consent/${token}?done=withdrawn`);
    expect(await statusOf(interviewConsent.id)).toBe('withdrawn');

    const { items } = await json(await api('GET', '/withdrawals'), 200);
    const withdrawal = items.find((w: { consentId: string }) => w.consentId === interviewConsent.id);
    expect(withdrawal).toMatchObject({ contributor: 'Mei Lin', source: 'consent link', reason: 'I moved away' });
    expect(withdrawal.editions.map((e: { book: string }) => e.book).sort()).toEqual(['coast-bundle', 'coast-guide']);
    for (const edition of withdrawal.editions) {
      expect(edition.replacedBuildId).toBe(original[edition.book]);
      // The queue delivers the rebuild by itself; delivering it here too makes the test wait for it (a finished build ignores it).
      await consume(edition.buildId);
    }
    const after = (await json(await api('GET', '/withdrawals'), 200)).items.find((w: { consentId: string }) => w.consentId === interviewConsent.id);
    expect(await everyObjectText(await buildFile(original['coast-guide'], 'pdf'))).toContain('Harbour interview');
    for (const edition of after.editions) {
      expect(edition.publishedAt).not.toBeNull();
      expect(edition.removed).toEqual([{ article: 'coast/01-interview', contributor: 'Mei Lin', role: 'interviewee', consent: interviewConsent.id }]);
      expect(await publishedBuild(edition.book)).toBe(edition.buildId);
      const { text } = epubText(await buildFile(edition.buildId, 'epub'));
      expect(text).not.toContain('quokka');
      expect(text).toContain('Ferries leave at dawn');
      expect(text).not.toContain('unpublished draft');
      expect(await everyObjectText(await buildFile(edition.buildId, 'pdf'))).not.toContain('Harbour interview');
    }

    // Readers see the removal in the book's edition history, without the contributor's name.
    const history = (await (await SELF.fetch(`${ORIGIN}/api/v1/books/coast-guide`)).json()) as { editions: { id: string; removedArticles: number }[] };
    expect(history.editions.map((e) => [e.id, e.removedArticles])).toEqual([
      [after.editions.find((e: { book: string }) => e.book === 'coast-guide').buildId, 1],
      [original['coast-guide'], 0],
    ]);
    const bookPage = await (await SELF.fetch(`${ORIGIN}/books/coast-guide`)).text();
    expect(bookPage).toContain('one article removed at its contributor’s request');
    expect(bookPage).not.toContain('Mei Lin');

    // The bundle's free sample was its first article; now it is the next one.
    const sample = epubText(new Uint8Array(await (await SELF.fetch(`${ORIGIN}/api/v1/books/coast-bundle/sample.epub`)).arrayBuffer())).text;
    expect(sample).not.toContain('quokka');
    expect(sample).toContain('The lamp turns all night');

    // The reader who bought the book before downloads the new edition.
    const library = await libraryOf(buyer);
    const epubUrl = library.items.find((i) => i.slug === 'coast-guide')!.downloads.find((d) => d.format === 'epub')!.url;
    const download = await SELF.fetch(epubUrl);
    expect(download.status).toBe(200);
    const bought = epubText(new Uint8Array(await download.arrayBuffer())).text;
    expect(bought).not.toContain('quokka');
    expect(bought).toContain('The lamp turns all night');

    await putArticle('coast/03-ferries', ferries);
    const page = await (await consentPage(`${token}?done=withdrawn`)).text();
    expect(page).toContain('role="status"');
    expect(page).toContain('No edition on sale contains it.');
  });

  it('refuses to publish or roll back to an edition that still holds the withdrawn article, naming it', async () => {
    const res = await api('POST', '/books/coast-guide/publish', { body: { buildId: original['coast-guide'] } });
    expect(res.status).toBe(409);
    const problem = await res.json<{ detail: string }>();
    expect(problem.detail).toContain('coast/01-interview');
    expect(problem.detail).toContain('Mei Lin');
  });

  it('fails the build of a book that sets consent: block, naming the article and the contributor, and of one that names no real record', async () => {
    await putBook('coast-strict', ['coast/01-interview', 'coast/03-ferries'], { consent: 'block' });
    const res = await api('POST', '/books/coast-strict/builds');
    expect(res.status).toBe(422);
    const problem = await res.json<{ detail: string; file: string }>();
    expect(problem.file).toBe('coast/01-interview');
    expect(problem.detail).toContain('Mei Lin (interviewee) withdrew consent');

    await putArticle('coast/98-typo', '---\ntitle: Typo\ncontributors:\n  - name: Kai\n    role: co-author\n    consent: cns_doesnotexist\n---\n\nText.\n');
    await putBook('coast-typo', ['coast/98-typo'], { consent: 'required' });
    const typo = await api('POST', '/books/coast-typo/builds');
    expect(typo.status).toBe(422);
    expect(await typo.json()).toMatchObject({ file: 'coast/98-typo', detail: expect.stringContaining('"cns_doesnotexist" is not a consent record') });
  });

  it('replaces a withdrawn image with a neutral notice in both formats', async () => {
    const withdrawn = await json(await api('DELETE', `/consents/${photoConsent.id}?reason=asked+by+phone`), 200);
    expect(withdrawn.changed).toBe(true);
    const rebuild = withdrawn.rebuilt.find((r: { book: string }) => r.book === 'coast-guide');
    await consume(rebuild.buildId);
    expect(await publishedBuild('coast-guide')).toBe(rebuild.buildId);
    const { text, files } = epubText(await buildFile(rebuild.buildId, 'epub'));
    expect(text).toContain('Image removed at the contributor’s request.');
    expect(text).toContain('The lamp turns all night');
    expect(files.some((f) => f.endsWith('lamp.png'))).toBe(false);
    expect(await everyObjectText(await buildFile(original['coast-guide'], 'pdf'))).toMatch(/\/Subtype\s*\/Image/);
    expect(await everyObjectText(await buildFile(rebuild.buildId, 'pdf'))).not.toMatch(/\/Subtype\s*\/Image/);
    const { events } = await json(await api('GET', `/consents/${photoConsent.id}`), 200);
    expect(events.map((e: { action: string; source: string }) => `${e.action} ${e.source}`)).toEqual(['grant editor: ADMIN_TOKEN', 'withdraw editor: ADMIN_TOKEN']);
  });

  it('restores the article on the next build once consent is given again', async () => {
    expect((await postForm(token, 'grant')).status).toBe(303);
    expect((await postForm(photoConsent.link.slice(`${ORIGIN}/consent/`.length), 'grant')).status).toBe(303);
    expect(await statusOf(interviewConsent.id)).toBe('granted');
    const next = await json(await api('POST', '/books/coast-bundle/builds'), 200);
    // The bundle's content is what it was before the withdrawal: its first build stands for it again, and may go on sale.
    expect(next.id).toBe(original['coast-bundle']);
    expect(epubText(await buildFile(next.id, 'epub')).text).toContain('quokka');
    await json(await api('POST', '/books/coast-bundle/publish', { body: { buildId: next.id } }), 200);
  });
});
