import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, json, putArticle } from '../catalog/api.ts';

const ORIGIN = 'https://bindery.test';
const huge = 'x'.repeat(200_000);
let token: string;
let consentId: string;

beforeAll(async () => {
  await putArticle('fuzz/01', '---\ntitle: Fuzz\n---\n\nText.\n');
  const consent = await json(await api('POST', '/consents', { body: { contributor: 'F', role: 'interviewee', articles: ['fuzz/01'] } }), 201);
  consentId = consent.id;
  token = consent.link.slice(`${ORIGIN}/consent/`.length);
});

describe('no input makes a consent route answer 5xx', () => {
  it('fuzzes the consent page and its forms', async () => {
    const failures: string[] = [];
    const tokens = ['x', '.', '..', 'a.b', 'a.b.c.d', `${consentId}..`, `${consentId}.zzzzzzzzzzzzz.AAAA`, `${consentId}.0.AAAA`, '%E0%A4%A', '%00', 'x'.repeat(301), `${token}x`];
    for (const t of tokens) {
      for (const path of [`/consent/${t}`, `/consent/${t}?done=nope`]) {
        const r = await SELF.fetch(`${ORIGIN}${path}`);
        if (r.status >= 500) failures.push(`GET ${path} → ${r.status}`);
        await r.arrayBuffer();
      }
    }
    const bodies: [string, string][] = [
      ['application/x-www-form-urlencoded', `reason=${huge}`],
      ['application/x-www-form-urlencoded', 'reason=%E0%A4%A&reason=b'],
      ['application/json', '{"reason": 1}'],
      ['multipart/form-data', '--x--'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="reason"\r\n\r\nhi\r\n--x--'],
      ['text/plain', '\u0000'],
    ];
    for (const t of [token, tokens[6]]) {
      for (const action of ['withdraw', 'grant']) {
        for (const [ct, body] of bodies) {
          const r = await SELF.fetch(`${ORIGIN}/consent/${t}/${action}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': ct, 'sec-fetch-site': 'same-origin' }, body });
          if (r.status >= 500) failures.push(`POST ${action} ${ct} ${body.slice(0, 40)} → ${r.status} ${(await r.text()).slice(0, 200)}`);
          else await r.arrayBuffer();
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('fuzzes the editor API for consents', async () => {
    const failures: string[] = [];
    const records: unknown[] = [
      null, [], {}, { contributor: 'A' }, { contributor: 'A', role: 'Interviewee!', articles: ['fuzz/01'] }, { contributor: huge, role: 'interviewee', articles: ['fuzz/01'] },
      { contributor: 'A', role: 'interviewee', articles: [] }, { contributor: 'A', role: 'interviewee', articles: ['../x'] }, { contributor: 'A', role: 'interviewee', articles: ['nope/none'] },
      { contributor: 'A', role: 'interviewee', scope: 'book', articles: ['fuzz/01'] }, { contributor: 'A', role: 'interviewee', scope: 'all', book: 'x', articles: ['fuzz/01'] },
      { contributor: 'A', role: 'interviewee', language: 'fr', articles: ['fuzz/01'] }, { contributor: 'A', role: 'interviewee', images: [{ article: 'fuzz/01', path: '/etc/passwd' }] },
      { contributor: 'A', role: 'interviewee', email: 'not an address', articles: ['fuzz/01'] }, { contributor: 'A', role: 'interviewee', articles: Array(201).fill('fuzz/01') },
    ];
    for (const body of records) {
      const r = await api('POST', '/consents', { body: JSON.stringify(body) ?? 'undefined', contentType: 'application/json' });
      if (r.status >= 500 || r.status === 201) failures.push(`POST /consents ${JSON.stringify(body)?.slice(0, 80)} → ${r.status}`);
      await r.arrayBuffer();
    }
    for (const path of ['/consents?article=', '/consents?article=../x', '/consents/nope', `/consents/${'x'.repeat(101)}`, '/withdrawals?x=1']) {
      const r = await api('GET', path);
      if (r.status >= 500) failures.push(`GET ${path} → ${r.status}`);
      await r.arrayBuffer();
    }
    const r = await api('DELETE', `/consents/cns_none?reason=${'x'.repeat(2001)}`);
    if (r.status >= 500) failures.push(`DELETE → ${r.status}`);
    expect(failures).toEqual([]);
  });
});
