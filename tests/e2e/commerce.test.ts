import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startTestWorker, type TestWorker } from '../support/test-worker.ts';
import { signStripePayload } from '../../src/commerce/stripe-signature.ts';
import { markKeyOf } from '../../src/crypto.ts';
import { readMarks } from '../../src/formats/read-stamp.ts';
import { UNKEYED_MARK_CODE } from '../../src/stamp/text-mark.ts';
import { startStripeStub } from '../../src/cli/stripe-stand-in.ts';
import { main } from '../../src/cli/main.ts';

const TOKEN = `bnd_e2e_${randomBytes(16).toString('hex')}`;
const WEBHOOK_SECRET = `whsec_e2e_${randomBytes(12).toString('hex')}`;
const SLUG = 'remote-newsroom-playbook';
const BUYER = 'e2e-buyer@example.com';

const SIGNING_KEY = randomBytes(24).toString('hex');
let stripe: Awaited<ReturnType<typeof startStripeStub>>;
let server: TestWorker | undefined;
let cannotStart: string | undefined;

beforeAll(async () => {
  stripe = await startStripeStub();
  try {
    server = await startTestWorker('e2e-commerce', {
      ADMIN_TOKEN: TOKEN,
      SIGNING_KEY,
      STRIPE_SECRET_KEY: 'sk_test_e2e',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE: stripe.url,
    });
  } catch (error) {
    cannotStart = `wrangler dev could not start: ${(error as Error).message.split('\n').slice(0, 3).join(' ')}`;
    if (process.env.CI === 'true') throw error;
  }
});

afterAll(async () => {
  await server?.stop();
  await stripe?.close();
});

describe('selling a book under wrangler dev', () => {
  it('publishes with bindery push, sells through the Stripe stub and a signed webhook, and serves stamped EPUB and PDF from the library', async (ctx) => {
    if (!server) return ctx.skip(cannotStart);
    await promisify(execFile)(process.execPath, ['bin/bindery.js', 'push', `books/${SLUG}`, '--api', server.url, '--token', TOKEN, '--publish', '--quiet'], {
      cwd: ROOT,
      timeout: 240_000,
    });

    const checkout = await fetch(`${server.url}/api/v1/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ slug: SLUG, email: BUYER }),
    });
    expect(checkout.status).toBe(200);
    const { url, sessionId } = (await checkout.json()) as { url: string; sessionId: string };
    const browser = { cookie: (checkout.headers.get('set-cookie') ?? '').split(';')[0] };
    expect(url).toBe(`${stripe.url}/c/pay/${sessionId}`);
    const session = stripe.stub.sessions.get(sessionId)!;
    expect(session).toMatchObject({ currency: 'usd', amount_total: 1200, metadata: { slug: SLUG }, customer_email: BUYER });
    expect(session.success_url).toBe(`${server.url}/checkout/success?session_id=${sessionId}`);

    const pending = await fetch(session.success_url, { headers: { accept: 'application/json' } });
    expect(await pending.json()).toMatchObject({ status: 'pending' });

    const event = JSON.stringify({
      id: `evt_e2e_${randomBytes(8).toString('hex')}`,
      object: 'event',
      type: 'checkout.session.completed',
      data: { object: { ...session, params: undefined, payment_status: 'paid', customer_details: { email: BUYER } } },
    });
    const webhook = await fetch(`${server.url}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': await signStripePayload(WEBHOOK_SECRET, event) },
      body: event,
    });
    expect(webhook.status).toBe(200);

    // Only the browser that started the checkout is shown the library link.
    expect(await (await fetch(session.success_url)).text()).not.toContain('/library/');
    const successHtml = await (await fetch(session.success_url, { headers: browser })).text();
    expect(successHtml).toContain('/library/');
    const { libraryUrl } = (await (await fetch(session.success_url, { headers: { accept: 'application/json', ...browser } })).json()) as { libraryUrl: string };
    const library = (await (await fetch(libraryUrl, { headers: { accept: 'application/json' } })).json()) as {
      items: { slug: string; title: string; downloads: { format: string; url: string }[] }[];
    };
    expect(library.items.map((i) => i.slug)).toEqual([SLUG]);

    for (const { format, url: download } of library.items[0].downloads) {
      const res = await fetch(download);
      expect(res.status, format).toBe(200);
      expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''The%20Remote%20Newsroom%20Playbook.${format}`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      const marks = await readMarks(bytes, { markKey: await markKeyOf(SIGNING_KEY) });
      expect(marks).toMatchObject({ kind: format, purchases: [{ purchaseId: expect.stringMatching(/^pur_[0-9a-f]{32}$/), layers: ['metadata', 'text', 'visible'] }] });
      expect(Buffer.from(bytes).includes(sessionId)).toBe(false);
      if (format === 'epub') {
        const page = Object.entries(unzipSync(bytes)).find(([name]) => name.endsWith('bindery-licence.xhtml'))!;
        expect(strFromU8(page[1])).toContain(`Licensed to ${BUYER}`);
      }
      // The publisher traces the copy with `bindery verify`, as after a leak.
      const leaked = join(mkdtempSync(join(tmpdir(), 'bindery-e2e-leak-')), `leaked.${format}`);
      writeFileSync(leaked, bytes);
      let out = '';
      const io = { stdout: (text: string) => void (out += text), stderr: (text: string) => void (out += text), cwd: ROOT, env: {} };
      expect(await main(['verify', leaked, '--api', server.url, '--token', TOKEN, '--json'], io), out).toBe(0);
      expect(JSON.parse(out)).toMatchObject({ kind: format, purchases: [{ purchaseId: marks.purchases[0].purchaseId, email: BUYER, bookSlug: SLUG, confidence: 'high' }] });
    }
    expect(library.items[0].downloads.map((d) => d.format)).toEqual(['epub', 'pdf']);

    // Someone who saw the printed purchase id writes the older CRC code into a text: the store names the purchase, but says it proves little.
    const purchaseId = (await readMarks(new Uint8Array(await (await fetch(library.items[0].downloads[0].url)).arrayBuffer()), { markKey: await markKeyOf(SIGNING_KEY) })).purchases[0].purchaseId;
    const framed = join(mkdtempSync(join(tmpdir(), 'bindery-e2e-framed-')), 'framed.txt');
    writeFileSync(framed, `Paste from a forum. ${UNKEYED_MARK_CODE.textMark(purchaseId)}Nothing else here.`);
    let out = '';
    const io = { stdout: (text: string) => void (out += text), stderr: (text: string) => void (out += text), cwd: ROOT, env: {} };
    expect(await main(['verify', framed, '--api', server.url, '--token', TOKEN], io), out).toBe(0);
    expect(out).toContain(`marks: text (text in 1 place); confidence medium (text in the older unkeyed code, which anyone who saw the purchase id could have written)`);
  });
});
