import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { BOOK_TITLE, buy, deliverWebhook, libraryOf, mailedLibraryOf, mailedLibraryUrl, mailsTo, ORIGIN, publishBook, purchaseIdOf, requestResend, sessionEvent, startCheckout } from './fixtures.ts';

beforeAll(async () => {
  await publishBook('lib-one');
  await publishBook('lib-two', { title: 'The Remote Newsroom Playbook' });
});

const resend = (email: string) => requestResend(email);
const outboxFor = mailsTo;

describe('the reader library', () => {
  it('lists every book the email owns, by title, with EPUB and PDF download links', async () => {
    const buyer = await buy('lib-one', 'collector@example.com');
    await buy('lib-two', buyer.email);
    const library = await mailedLibraryOf(buyer.email);
    expect(library.items.map((i) => [i.slug, i.title, i.downloads.map((d) => d.format)])).toEqual([
      ['lib-two', 'The Remote Newsroom Playbook', ['epub', 'pdf']],
      ['lib-one', BOOK_TITLE, ['epub', 'pdf']],
    ]);
    const html = await (await SELF.fetch(library.libraryUrl)).text();
    expect(html).toContain(BOOK_TITLE);
    expect(html.match(/href="https:\/\/bindery\.test\/download\/[\w.-]+"/g)).toHaveLength(4);
  });

  it('shows each book with its cover, in its own language, and says what each download is', async () => {
    const buyer = await buy('lib-one', 'shelf@example.com');
    const html = await (await SELF.fetch((await libraryOf(buyer)).libraryUrl)).text();
    expect(html).toContain(`<h2 lang="zh-Hant">${BOOK_TITLE}</h2>`);
    expect(html).toContain('src="https://bindery.test/api/v1/books/lib-one/cover"');
    expect(html).toMatch(/Download EPUB <small>\(\d+(\.\d)? kB\)<\/small>/);
    expect(html).toMatch(/Download PDF <small>\([\d.]+ kB, \d+ pages\)<\/small>/);
  });

  it('offers the current edition after the book is republished: new editions are free', async () => {
    const buyer = await buy('lib-one', 'upgrader@example.com');
    const before = await libraryOf(buyer);
    const next = await publishBook('lib-one');
    const after = await libraryOf(buyer);
    const urls = (lib: typeof before) => lib.items[0].downloads.map((d) => d.url);
    expect(urls(after)).not.toEqual(urls(before));
    const res = await SELF.fetch(urls(after)[0]);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    const stamped = await env.DB.prepare('SELECT build_id FROM stamped_files WHERE order_id = ?').bind(await purchaseIdOf(buyer, 'lib-one')).first<{ build_id: string }>();
    expect(stamped?.build_id).toBe(next.buildId);
  });

  it('refuses a forged library link', async () => {
    const buyer = await buy('lib-one');
    const { libraryUrl } = await libraryOf(buyer);
    const forged = libraryUrl.replace(/\.[\w-]+$/, '.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    const res = await SELF.fetch(forged, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    // A browser gets a page that offers a fresh link instead.
    const page = await SELF.fetch(forged);
    expect(page.status).toBe(403);
    expect(await page.text()).toContain('action="/api/v1/library/resend"');
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

  it('refuses a link whose signature is written in a non-canonical base64url form', async () => {
    const { libraryUrl } = await libraryOf(await buy('lib-one'));
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // The last character of a 32-byte signature carries 4 bits; flipping an unused low bit decodes to the same bytes.
    const last = libraryUrl.at(-1)!;
    const twin = libraryUrl.slice(0, -1) + alphabet[alphabet.indexOf(last) ^ 1];
    expect((await SELF.fetch(libraryUrl, { headers: { accept: 'application/json' } })).status).toBe(200);
    expect((await SELF.fetch(twin, { headers: { accept: 'application/json' } })).status).toBe(403);
  });
});

describe('library links over time', () => {
  const resendFrom = requestResend;
  const tokenId = (url: string) => url.slice(url.lastIndexOf('/') + 1).split('.')[0];

  it('stops opening an old link once the reader opened a newer one', async () => {
    await buy('lib-one', 'rotate@example.com');
    const old = await mailedLibraryUrl('rotate@example.com');
    expect((await resendFrom('rotate@example.com', '198.51.100.1')).status).toBe(202);
    await expect.poll(async () => (await outboxFor('rotate@example.com')).length).toBe(2);
    const fresh = await mailedLibraryUrl('rotate@example.com');
    expect(fresh).not.toBe(old);
    // Anyone may ask for a resend, so sending alone kills nothing: the buyer's bookmarked link still opens…
    expect((await SELF.fetch(old, { headers: { accept: 'application/json' } })).status).toBe(200);
    // …until the new link is opened, which proves the mailbox.
    expect((await SELF.fetch(fresh, { headers: { accept: 'application/json' } })).status).toBe(200);
    expect((await SELF.fetch(old, { headers: { accept: 'application/json' } })).status).toBe(403);
    expect((await SELF.fetch(fresh, { headers: { accept: 'application/json' } })).status).toBe(200);
  });

  it('shows the browser that paid its own purchase only, never the rest of the address\'s library', async () => {
    const owner = await buy('lib-one', 'owner@example.com');
    // Someone else types the owner's address into Stripe (which does not verify it) and pays for another book.
    const stranger = await startCheckout('lib-two', 'owner@example.com');
    await deliverWebhook(sessionEvent('checkout.session.completed', { id: stranger.sessionId, slug: 'lib-two', email: 'owner@example.com', paymentIntent: stranger.paymentIntent }));
    const seen = await libraryOf(stranger);
    expect(seen.items.map((i) => i.slug)).toEqual(['lib-two']);
    expect(seen.libraryUrl).not.toBe(await mailedLibraryUrl('owner@example.com'));
    // The owner's own mailbox opens both.
    expect((await mailedLibraryOf(owner.email)).items.map((i) => i.slug).sort()).toEqual(['lib-one', 'lib-two']);
  });

  it('expires a link 90 days after it was last opened, and renews it on every visit', async () => {
    const { libraryUrl } = await libraryOf(await buy('lib-one', 'returning@example.com'));
    const expiry = async () =>
      (await env.DB.prepare('SELECT expires_at FROM library_tokens WHERE id = ?').bind(tokenId(libraryUrl)).first<{ expires_at: string }>())!.expires_at;
    const soon = new Date(Date.now() + 86_400_000).toISOString();
    await env.DB.prepare('UPDATE library_tokens SET expires_at = ? WHERE id = ?').bind(soon, tokenId(libraryUrl)).run();
    expect((await SELF.fetch(libraryUrl, { headers: { accept: 'application/json' } })).status).toBe(200);
    expect(Date.parse(await expiry())).toBeGreaterThan(Date.now() + 89 * 86_400_000);
    await env.DB.prepare('UPDATE library_tokens SET expires_at = ? WHERE id = ?').bind(new Date(Date.now() - 1000).toISOString(), tokenId(libraryUrl)).run();
    const expired = await SELF.fetch(libraryUrl);
    expect(expired.status).toBe(403);
    expect(expired.headers.get('cache-control')).toBe('private, no-store');
    expect(await expired.text()).toMatch(/expired/);
  });

  it('mails at most 3 links an hour to one address, and answers 202 every time', async () => {
    await buy('lib-one', 'flooded@example.com');
    for (let i = 0; i < 6; i++) expect((await resendFrom('Flooded@example.com', `198.51.100.${20 + i}`)).status).toBe(202);
    await expect.poll(async () => (await outboxFor('flooded@example.com')).length).toBe(4);
    await new Promise((r) => setTimeout(r, 200));
    expect(await outboxFor('flooded@example.com')).toHaveLength(4);
  });

  it('mails at most 10 links an hour for one client address, whatever addresses it asks for', async () => {
    const emails = Array.from({ length: 12 }, (_, i) => `crowd${i}@example.com`);
    for (const email of emails) await buy('lib-one', email);
    for (const email of emails) expect((await resendFrom(email, '203.0.113.200')).status).toBe(202);
    const total = async () => {
      let n = 0;
      for (const email of emails) n += (await outboxFor(email)).length;
      return n;
    };
    await expect.poll(total).toBe(12 + 10);
    await new Promise((r) => setTimeout(r, 200));
    expect(await total()).toBe(22);
  });

  it('takes the storefront form and sends the reader back to the library page', async () => {
    const res = await SELF.fetch(`${ORIGIN}/api/v1/library/resend`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=form%40example.com',
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/library?sent=1');
    const page = await SELF.fetch(`${ORIGIN}/library?sent=1`);
    expect(await page.text()).toMatch(/on its way/);
  });
});
