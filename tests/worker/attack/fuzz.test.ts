import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { buy, deliverWebhook, eventId, libraryOf, ORIGIN, publishBook } from '../commerce/fixtures.ts';

beforeAll(async () => {
  await publishBook('atk-fuzz');
});

const CS = /cs_(test|live)_[A-Za-z0-9]+/;
const huge = 'x'.repeat(200_000);

async function send(path: string, init: RequestInit) {
  const res = await SELF.fetch(`${ORIGIN}${path}`, init);
  const text = await res.text();
  return { status: res.status, text, headers: [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n') };
}

const jsonBodies: unknown[] = [
  null, [], [{}], 'str', 42, true, {}, { slug: null }, { slug: ['atk-fuzz'] }, { slug: { $ne: 1 } }, { slug: 'atk-fuzz', email: null },
  { slug: 'atk-fuzz', email: ['a@b.c'] }, { slug: 'atk-fuzz', email: 5 }, { slug: 'atk-fuzz', email: huge }, { slug: huge },
  { slug: "atk-fuzz' OR 1=1 --" }, { slug: 'atk-fuzz', email: 'a\r\nBcc: x@y.z@b.c' }, { slug: 'atk-fuzz', email: 'a@b.c\r\nBcc: evil@x.y' },
  { slug: 'atk-fuzz', email: `${'a'.repeat(250)}@b.cc` }, { slug: 'atk-fuzz', email: '\u0000@b.c' }, { slug: 'atk-fuzz', email: '\u2028a@b.c' },
  { slug: 'atk-fuzz', email: 'a@b.c', extra: huge }, { slug: '__proto__' }, { __proto__: { slug: 'atk-fuzz' } }, { slug: 'ATK-FUZZ' },
  { slug: '../atk-fuzz' }, { slug: 'atk-fuzz\u0000' },
];
const rawBodies = ['', '{', '{"slug":', '\u0000', '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]', '"\\ud800"', '{"slug":"atk-fuzz","slug":"x"}', '1e999999'];
const formBodies = ['', 'slug', 'slug=', 'slug=atk-fuzz&slug=atk-fuzz', 'slug[]=atk-fuzz', 'slug=atk-fuzz&email=', 'slug=atk-fuzz&email=a%0d%0a%40b.c', 'email=%FF%FE', `slug=${huge}`, 'slug=%E0%A4%A'];
const contentTypes = ['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'APPLICATION/JSON'];

describe('no input makes a buyer-facing route answer 5xx or show a Stripe session id', () => {
  for (const path of ['/api/v1/checkout', '/api/v1/library/resend']) {
    it(`fuzzes ${path} without a 5xx`, async () => {
      const failures: string[] = [];
      const check = async (ct: string, body: string) => {
        const r = await send(path, { method: 'POST', headers: { 'content-type': ct, 'cf-connecting-ip': `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` }, body });
        if (r.status >= 500) failures.push(`${ct} ${body.slice(0, 80)} → ${r.status} ${r.text.slice(0, 200)}`);
        if (r.status >= 400 && !/problem\+json/.test(r.headers)) failures.push(`${ct} ${body.slice(0, 80)} → ${r.status} not problem+json: ${r.headers.slice(0, 200)} ${r.text.slice(0, 100)}`);
      };
      for (const b of jsonBodies) await check('application/json', JSON.stringify(b) ?? 'undefined');
      for (const b of rawBodies) for (const ct of contentTypes) await check(ct, b);
      for (const b of formBodies) await check('application/x-www-form-urlencoded', b);
      const multi = new FormData();
      multi.append('slug', 'atk-fuzz');
      multi.append('email', 'm@example.com');
      const r = await SELF.fetch(`${ORIGIN}${path}`, { method: 'POST', body: multi, redirect: 'manual' });
      if (r.status >= 500) failures.push(`multipart → ${r.status} ${await r.text()}`);
      else await r.arrayBuffer();
      expect(failures).toEqual([]);
    });
  }

  it('fuzzes GET routes (success, library, download) without a 5xx', async () => {
    const paths = [
      '/checkout/success', '/checkout/success?session_id=', `/checkout/success?session_id=${'x'.repeat(300)}`, '/checkout/success?session_id=a&session_id=b',
      "/checkout/success?session_id=' OR 1=1 --", '/checkout/success?session_id=%00', '/checkout/success?session_id=%E0%A4%A', '/checkout/success?session_id[]=x',
      '/library/', '/library/x', '/library/.', '/library/..', '/library/a.b.c', `/library/${'a'.repeat(199)}.${'b'.repeat(43)}`, '/library/%E0%A4%A', '/library/%2e%2e',
      '/library/AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', '/library?sent=2', '/library?sent=1&sent=1', '/library?sent[]=1',
      '/download/x', '/download/.', '/download/a.', '/download/.a', `/download/${'a'.repeat(1001)}`, '/download/%E0%A4%A', '/download/e30.AAAA', '/download/e30=.AAAA',
      '/download/eyJvIjoiYSJ9.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', '/download/a.b.c', '/download/%00.%00',
    ];
    const failures: string[] = [];
    for (const p of paths) {
      for (const accept of ['application/json', 'text/html', '*/*']) {
        for (const method of ['GET', 'HEAD']) {
          const r = await send(p, { method, headers: { accept, range: 'bytes=0-0,1-' } });
          if (r.status >= 500) failures.push(`${method} ${p} (${accept}) → ${r.status} ${r.text.slice(0, 200)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('fuzzes the signed webhook body without a 5xx', async () => {
    const objects: unknown[] = [
      null, [], 'x', 1, {}, { id: 1 }, { id: 'cs_x' }, { id: 'cs_x', payment_status: 'paid', amount_total: -1, currency: 'twd' },
      { id: 'cs_x', payment_status: 'paid', amount_total: 1e300, currency: 'twd', metadata: { slug: 'atk-fuzz' }, customer_details: { email: 'f@x.y' } },
      { id: 'cs_x', payment_status: 'paid', amount_total: 29900, currency: 'twd', metadata: { slug: 'atk-fuzz' }, customer_details: { email: 'bad address\r\nBcc: e@x.y' } },
      { id: 'cs_y', payment_status: 'paid', amount_total: 29900, currency: 'twd', metadata: { slug: 'atk-fuzz' }, customer_details: { email: '' }, customer_email: '' },
      { id: 'cs_z', payment_status: 'paid', amount_total: 29900, currency: 'twd', metadata: { slug: ['atk-fuzz'] }, customer_details: { email: 'f@x.y' } },
      { id: 'cs_w', payment_status: 'paid', amount_total: 29900, currency: 'twd', metadata: { slug: 'NOPE' }, customer_details: { email: 'f@x.y' } },
      { id: `cs_${huge}`, payment_status: 'paid', amount_total: 29900, currency: 'twd', metadata: { slug: 'atk-fuzz' }, customer_details: { email: 'big@x.y' } },
      { id: 'ch_1', payment_intent: { id: 'pi_1' }, refunded: true }, { id: 'ch_1', payment_intent: null, refunded: 'yes' },
    ];
    const types = ['checkout.session.completed', 'checkout.session.async_payment_succeeded', 'checkout.session.async_payment_failed', 'charge.refunded', '', 'x'.repeat(10000)];
    const failures: string[] = [];
    for (const type of types) {
      for (const object of objects) {
        const event = { id: eventId(), object: 'event', type, data: { object } };
        const res = await deliverWebhook(event);
        const text = await res.text();
        if (res.status >= 500) failures.push(`${type.slice(0, 40)} ${JSON.stringify(object).slice(0, 120)} → ${res.status} ${text.slice(0, 200)}`);
      }
    }
    for (const event of [null, [], 'x', { id: 'evt', type: 'x', data: null }, { id: 'evt', type: 'x', data: [] }, { id: ['evt'], type: 'x', data: { object: {} } }, { id: 'e'.repeat(300), type: 'x', data: { object: {} } }]) {
      const res = await deliverWebhook(event);
      if (res.status >= 500) failures.push(`${JSON.stringify(event)} → ${res.status} ${await res.text()}`);
      else await res.arrayBuffer();
    }
    expect(failures).toEqual([]);
  });

  it('never shows a cs_ id in the success page, library page, library JSON or their headers', async () => {
    const buyer = await buy('atk-fuzz', 'no-cs@example.com');
    const leaks: string[] = [];
    for (const accept of ['application/json', 'text/html']) {
      for (const cookie of [buyer.cookie, undefined]) {
        const r = await send(`/checkout/success?session_id=${buyer.sessionId}`, { headers: { accept, ...(cookie ? { cookie } : {}) } });
        if (CS.test(r.text) || CS.test(r.headers)) leaks.push(`success ${accept} cookie=${Boolean(cookie)}: ${r.text.match(CS)?.[0] ?? r.headers.match(CS)?.[0]}`);
      }
    }
    const lib = await libraryOf(buyer);
    for (const accept of ['application/json', 'text/html']) {
      const r = await send(new URL(lib.libraryUrl).pathname, { headers: { accept } });
      if (CS.test(r.text) || CS.test(r.headers)) leaks.push(`library ${accept}`);
    }
    for (const item of lib.items) for (const d of item.downloads) {
      const token = d.url.split('/download/')[1];
      const claims = atob(token.split('.')[0].replace(/-/g, '+').replace(/_/g, '/'));
      if (CS.test(claims)) leaks.push(`download claims ${claims}`);
    }
    expect(leaks).toEqual([]);
  });

  it('the 303 after a form checkout goes to the Stripe checkout host only', async () => {
    const form = await SELF.fetch(`${ORIGIN}/api/v1/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', host: 'evil.example' },
      body: 'slug=atk-fuzz',
      redirect: 'manual',
    });
    expect(form.status).toBe(303);
    expect(new URL(form.headers.get('location')!).origin).toBe('https://stripe.test');
  });
});
