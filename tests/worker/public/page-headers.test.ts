import { SELF } from 'cloudflare:test';
import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AppEnv } from '../../../src/http/app.ts';
import { pageHeaders } from '../../../src/http/security-headers.ts';
import { STRIPE_TEST_BASE } from '../../../src/cli/stripe-stand-in.ts';
import { seedCatalog } from './fixtures.ts';

const BASE = 'https://bindery.test';
const get = (path: string) => SELF.fetch(`${BASE}${path}`, { headers: { accept: 'text/html' } });

/** The CSP as a map of directive → sources. */
function policy(res: Response): Map<string, string[]> {
  const header = res.headers.get('content-security-policy') ?? '';
  return new Map(
    header
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name, sources]),
  );
}

function expectPageHeaders(res: Response, path: string) {
  const csp = policy(res);
  expect(csp.get('default-src'), path).toEqual(["'none'"]);
  expect(csp.has('script-src'), `${path} must not allow any script`).toBe(false);
  expect(csp.get('frame-ancestors'), path).toEqual(["'none'"]);
  expect(csp.get('base-uri'), path).toEqual(["'none'"]);
  expect(csp.get('img-src'), path).toEqual(expect.arrayContaining(["'self'", 'data:']));
  expect(csp.get('style-src'), path).toContain("'unsafe-inline'");
  expect(res.headers.get('x-frame-options'), path).toBe('DENY');
  expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
  expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
}

beforeAll(async () => {
  await seedCatalog();
});

describe('HTML pages', () => {
  it('send a script-free policy, no framing, nosniff and no referrer: storefront, book pages, library and checkout result, errors included', async () => {
    for (const [path, status] of [
      ['/', 200],
      ['/?q=playbook', 200],
      ['/books/remote-newsroom', 200],
      ['/books/no-such-book', 404],
      ['/library/not-a-real-token', 403],
      ['/checkout/success?session_id=cs_test_unknown', 200],
      ['/accessibility', 200],
      ['/accessibility/zh-Hant', 200],
    ] as const) {
      const res = await get(path);
      expect(res.status, path).toBe(status);
      expectPageHeaders(res, path);
      await res.arrayBuffer();
    }
  });

  it('let the buy form post here and end at Stripe Checkout, and nowhere else', async () => {
    const res = await get('/books/remote-newsroom');
    await res.arrayBuffer();
    // The form posts to /api/v1/checkout, whose 303 goes to the Checkout host of the configured Stripe API.
    expect(policy(res).get('form-action')).toEqual(["'self'", new URL(STRIPE_TEST_BASE).origin]);
  });

  it('carry no inline script: the storefront needs none, and JSON-LD is data', async () => {
    for (const path of ['/', '/books/remote-newsroom', '/books/ai-video', '/books/no-such-book', '/accessibility']) {
      const html = await (await get(path)).text();
      const scripts = [...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]);
      for (const tag of scripts) expect(tag, path).toMatch(/\bsrc=|type="application\/ld\+json"/);
      expect(html, path).not.toMatch(/\son[a-z]+=/i);
      expect(html, path).not.toMatch(/javascript:/i);
    }
  });
});

describe('the page policy in production', () => {
  it('sends the buy form to checkout.stripe.com and allows covers from PUBLIC_ORIGIN', async () => {
    const app = new Hono<AppEnv>().use(pageHeaders).get('/', (c) => c.html('<p>page</p>'));
    const res = await app.request('/', {}, { STRIPE_API_BASE: 'https://api.stripe.com', PUBLIC_ORIGIN: 'https://books.example.com/' });
    expect(policy(res).get('form-action')).toEqual(["'self'", 'https://checkout.stripe.com']);
    expect(policy(res).get('img-src')).toEqual(["'self'", 'data:', 'https://books.example.com']);
    const unset = await app.request('/', {}, {});
    expect(policy(unset).get('form-action')).toEqual(["'self'", 'https://checkout.stripe.com']);
  });
});

describe('API responses', () => {
  it('are left to their own headers', async () => {
    const res = await SELF.fetch(`${BASE}/api/v1/books`);
    await res.arrayBuffer();
    expect(res.headers.get('x-frame-options')).toBeNull();
  });
});
