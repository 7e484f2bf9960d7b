import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { BOOK_TITLE, buy, libraryOf, ORIGIN, publishBook } from './fixtures.ts';

beforeAll(async () => {
  await publishBook('lib-one');
  await publishBook('lib-two', { title: 'The Remote Newsroom Playbook' });
});

const resend = (email: string) =>
  SELF.fetch(`${ORIGIN}/api/v1/library/resend`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
const outboxFor = async (email: string) =>
  (await env.DB.prepare('SELECT body, sent_at FROM mail_outbox WHERE to_email = ? ORDER BY id').bind(email).all<{ body: string; sent_at: string | null }>()).results;

describe('the reader library', () => {
  it('lists every book the email owns, by title, with EPUB and PDF download links', async () => {
    const { sessionId, email } = await buy('lib-one', 'collector@example.com');
    await buy('lib-two', email);
    const library = await libraryOf(sessionId);
    expect(library.items.map((i) => [i.slug, i.title, i.downloads.map((d) => d.format)])).toEqual([
      ['lib-two', 'The Remote Newsroom Playbook', ['epub', 'pdf']],
      ['lib-one', BOOK_TITLE, ['epub', 'pdf']],
    ]);
    const html = await (await SELF.fetch(library.libraryUrl)).text();
    expect(html).toContain(BOOK_TITLE);
    expect(html.match(/href="https:\/\/bindery\.test\/download\/[\w.-]+"/g)).toHaveLength(4);
  });

  it('shows each book with its cover, in its own language, and says what each download is', async () => {
    const { sessionId } = await buy('lib-one', 'shelf@example.com');
    const html = await (await SELF.fetch((await libraryOf(sessionId)).libraryUrl)).text();
    expect(html).toContain(`<h2 lang="zh-Hant">${BOOK_TITLE}</h2>`);
    expect(html).toContain('src="https://bindery.test/api/v1/books/lib-one/cover"');
    expect(html).toMatch(/Download EPUB <small>\(\d+(\.\d)? kB\)<\/small>/);
    expect(html).toMatch(/Download PDF <small>\([\d.]+ kB, \d+ pages\)<\/small>/);
  });

  it('offers the current edition after the book is republished: new editions are free', async () => {
    const { sessionId } = await buy('lib-one', 'upgrader@example.com');
    const before = await libraryOf(sessionId);
    const next = await publishBook('lib-one');
    const after = await libraryOf(sessionId);
    const urls = (lib: typeof before) => lib.items[0].downloads.map((d) => d.url);
    expect(urls(after)).not.toEqual(urls(before));
    const res = await SELF.fetch(urls(after)[0]);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    const stamped = await env.DB.prepare('SELECT build_id FROM stamped_files WHERE order_id = ?').bind(sessionId).first<{ build_id: string }>();
    expect(stamped?.build_id).toBe(next.buildId);
  });

  it('refuses a forged library link', async () => {
    const { sessionId } = await buy('lib-one');
    const { libraryUrl } = await libraryOf(sessionId);
    const forged = libraryUrl.replace(/\.[\w-]+$/, '.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    const res = await SELF.fetch(forged);
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('mails a fresh link on resend for a buyer and answers the same 202 for a stranger', async () => {
    await buy('lib-one', 'forgetful@example.com');
    const known = await resend('Forgetful@Example.com');
    const unknown = await resend('stranger@example.com');
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(await unknown.json()).toEqual(await known.json());
    await expect.poll(async () => (await outboxFor('forgetful@example.com')).length).toBe(2);
    const [, resent] = await outboxFor('forgetful@example.com');
    expect(resent.body).toMatch(/fresh link.*\n[\s\S]*https:\/\/bindery\.test\/library\//);
    await expect.poll(async () => (await outboxFor('forgetful@example.com'))[1].sent_at).not.toBeNull();
    expect(await outboxFor('stranger@example.com')).toEqual([]);
    const link = /https:\/\/bindery\.test\/library\/\S+/.exec(resent.body)![0];
    expect((await SELF.fetch(link, { headers: { accept: 'application/json' } })).status).toBe(200);
  });

  it('rejects a resend without a valid email with 400', async () => {
    expect((await resend('nope')).status).toBe(400);
  });
});
