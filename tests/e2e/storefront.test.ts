import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openSampleStore, stripeSession, type SampleStore } from '../support/sample-store.ts';
import { ROOT } from '../support/test-worker.ts';
import { describeWithTools, TOOLS } from '../support/tools.ts';

const SHOTS = join(ROOT, 'test-output', 'screenshots');

describeWithTools([TOOLS.chromium], 'storefront in Chromium against wrangler dev', () => {
  // Both sample books on sale in the run's shared wrangler dev (tests/support/sample-store.ts).
  let worker: SampleStore | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    worker = await openSampleStore();
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    // The first file to open the store waits for wrangler dev and both books' builds.
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('takes a reader from the catalog to a book page, its free sample and the checkout redirect', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${worker!.url}/`);
    await expect.poll(() => page.locator('.card').count()).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(SHOTS, 'catalog-desktop.png'), fullPage: true });

    // Search in Chinese narrows the catalog to the Chinese handbook.
    await page.getByLabel('Search books').fill('影片');
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=/);
    expect(await page.locator('.card h2').allTextContents()).toEqual(['生成式影片工具實戰手冊']);

    await page.goto(`${worker!.url}/`);
    await page.getByRole('link', { name: 'The Remote Newsroom Playbook' }).click();
    await page.waitForURL(/\/books\/remote-newsroom-playbook$/);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await expect.poll(() => page.locator('h1').textContent()).toBe('The Remote Newsroom Playbook');
    const toc = await page.locator('nav.toc').textContent();
    expect(toc).toContain('Verification in Practice');
    expect(await page.locator('.buy .price').textContent()).toBe('$12');
    const jsonLd = JSON.parse((await page.locator('script[type="application/ld+json"]').textContent())!);
    expect(jsonLd).toMatchObject({ '@type': 'Book', name: 'The Remote Newsroom Playbook', offers: { price: 12, priceCurrency: 'USD' } });
    expect(await page.locator('meta[property="og:title"]').getAttribute('content')).toBe('The Remote Newsroom Playbook');
    await page.screenshot({ path: join(SHOTS, 'book-desktop.png'), fullPage: true });

    // The sample links give real files back.
    const sampleHref = await page.getByRole('link', { name: /Read the sample \(EPUB/ }).getAttribute('href');
    const epub = new Uint8Array(await (await fetch(sampleHref!)).arrayBuffer());
    expect(new TextDecoder().decode(unzipSync(epub).mimetype)).toBe('application/epub+zip');
    const pdfHref = await page.getByRole('link', { name: /Read the sample \(PDF/ }).getAttribute('href');
    const pdf = new Uint8Array(await (await fetch(pdfHref!)).arrayBuffer());
    expect(new TextDecoder().decode(pdf.slice(0, 5))).toBe('%PDF-');

    // The buy form is reachable by keyboard and ends at the (stub) Stripe Checkout page.
    await page.getByLabel('Email address').focus();
    await page.keyboard.type('reader@example.com');
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Buy for $12');
    const [checkout] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/v1/checkout')), page.keyboard.press('Enter')]);
    expect(checkout.status(), checkout.status() === 303 ? '' : await checkout.text()).toBe(303);
    await page.waitForURL(new RegExp(`^${worker!.stripeUrl}/c/pay/cs_test_`));
    const session = await stripeSession(worker!, page.url().split('/').pop()!);
    expect(session).toMatchObject({ customer_email: 'reader@example.com', metadata: { slug: 'remote-newsroom-playbook' }, currency: 'usd' });
    await page.close();
  });

  it('reads well on a phone, in the language of the book', async () => {
    const page = await browser!.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true });
    await page.goto(`${worker!.url}/`);
    await page.screenshot({ path: join(SHOTS, 'catalog-phone.png'), fullPage: true });
    await page.goto(`${worker!.url}/books/ai-video-handbook`);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-Hant');
    expect(await page.locator('.buy .price').textContent()).toMatch(/299/);
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, 'book-phone-zh.png'), fullPage: true });
    await page.close();
  });

  it('serves the OPDS feeds and the OpenAPI document from the running Worker', async () => {
    const opds = await fetch(`${worker!.url}/opds/publications`);
    expect(opds.headers.get('content-type')).toContain('application/opds+json');
    const feed = (await opds.json()) as { publications: { metadata: { title: string } }[] };
    expect(feed.publications.map((p) => p.metadata.title).sort()).toEqual(['The Remote Newsroom Playbook', '生成式影片工具實戰手冊']);
    const atom = await (await fetch(`${worker!.url}/opds/v1.2/catalog.xml`)).text();
    // Chromium's XML parser is strict: any well-formedness error yields a <parsererror> document.
    const page = await browser!.newPage();
    const parsed = await page.evaluate(`(() => {
      const doc = new DOMParser().parseFromString(${JSON.stringify(atom)}, 'application/xml');
      return { error: doc.querySelector('parsererror')?.textContent ?? null, root: doc.documentElement.localName, entries: doc.getElementsByTagName('entry').length };
    })()`);
    await page.close();
    expect(parsed).toEqual({ error: null, root: 'feed', entries: 2 });
    const doc = (await (await fetch(`${worker!.url}/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/api/v1/books');
  });
});
