import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { strFromU8, unzipSync } from 'fflate';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROOT, startTestWorker, type TestWorker } from '../support/test-worker.ts';
import { describeWithTools, TOOLS } from '../support/tools.ts';

const run = promisify(execFile);
const SHOTS = join(ROOT, 'test-output', 'screenshots');
const INTERVIEW = 'The harbourmaster said the quokka tides were kind to small boats.';

describeWithTools([TOOLS.chromium, TOOLS.poppler], 'a contributor withdraws consent in Chromium against wrangler dev', () => {
  const adminToken = `bnd_e2e_${randomBytes(16).toString('hex')}`;
  let worker: TestWorker | undefined;
  let browser: Browser | undefined;
  let tmp: string | undefined;

  /** Calls the editor API as a client would; answers are read loosely, as JSON. */
  const api = async (method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<any> => {
    const res = await fetch(`${worker!.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': contentType }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const publishedBuild = async () => (await api('GET', '/editor/books/harbour-bundle')).publishedBuildId as string | null;
  const sampleText = async (format: 'epub' | 'pdf') => {
    const bytes = new Uint8Array(await (await fetch(`${worker!.url}/api/v1/books/harbour-bundle/sample.${format}`)).arrayBuffer());
    if (format === 'epub') return Object.entries(unzipSync(bytes)).filter(([n]) => n.endsWith('.xhtml')).map(([, d]) => strFromU8(d)).join('\n');
    const file = join(tmp!, 'sample.pdf');
    await writeFile(file, bytes);
    return (await run('pdftotext', ['-enc', 'UTF-8', file, '-'])).stdout;
  };

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'bindery-consent-e2e-'));
    await mkdir(SHOTS, { recursive: true });
    worker = await startTestWorker('consent', { ADMIN_TOKEN: adminToken });
    const article = (title: string, date: string, text: string) => `---\ntitle: ${title}\ndate: ${date}\ntags: [harbour]\n---\n\n${text}\n`;
    await api('PUT', '/articles/harbour%2F01-interview', article('Harbour interview', '2025-03-01', INTERVIEW), 'text/markdown');
    await api('PUT', '/articles/harbour%2F02-ferries', article('Ferries at dawn', '2025-03-02', 'Ferries leave before the fishing boats return.'), 'text/markdown');
    await api('PUT', '/bundles/harbour-bundle', { title: 'Harbour bundle', language: 'en', authors: ['Desk'], price: { amount: 5, currency: 'EUR' }, query: { tagsAny: ['harbour'] } });
    const build = await api('POST', '/books/harbour-bundle/builds');
    for (let waited = 0, state = build; state.status !== 'ready'; waited += 500, state = await api('GET', `/builds/${build.id}`)) {
      if (state.status === 'failed') throw new Error(`the first build failed: ${JSON.stringify(state.error)}`);
      if (waited > 180_000) throw new Error(`the first build did not finish in three minutes (${state.status})`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await api('POST', '/books/harbour-bundle/publish', { buildId: build.id });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('opens the consent link, sees the article, withdraws, and the storefront sample no longer has it', async () => {
    expect(await sampleText('epub')).toContain('quokka');
    const before = await publishedBuild();
    const consent = await api('POST', '/consents', { contributor: 'Mei Lin', role: 'interviewee', articles: ['harbour/01-interview'] });
    // The link names the deployment's public origin; the browser opens it on the test worker.
    const link = `${worker!.url}${new URL(consent.link).pathname}`;

    const page = await browser!.newPage();
    await page.goto(link);
    expect(await page.locator('h1').textContent()).toBe('Your consent');
    expect(await page.locator('main').textContent()).toContain('Harbour interview');
    expect(await page.getByRole('link', { name: 'Harbour bundle' }).count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'consent-page.png'), fullPage: true });
    await page.getByLabel('Reason (optional)').fill('I moved away');
    await page.getByRole('button', { name: 'Withdraw my consent' }).click();
    await page.waitForURL(/done=withdrawn/);
    expect(await page.getByRole('status').textContent()).toContain('Your consent is withdrawn');
    await page.screenshot({ path: join(SHOTS, 'consent-withdrawn.png'), fullPage: true });
    await page.close();

    // Within one build cycle, with no editor: the rebuilt bundle is on sale and its sample starts with the next article.
    await expect.poll(publishedBuild, { timeout: 120_000, interval: 500 }).not.toBe(before);
    const epub = await sampleText('epub');
    expect(epub).not.toContain('quokka');
    expect(epub).toContain('Ferries leave before the fishing boats return');
    const pdf = await sampleText('pdf');
    expect(pdf).not.toContain('quokka');
    expect(pdf).toContain('Ferries leave before');

    const { items } = await api('GET', '/withdrawals');
    expect(items[0]).toMatchObject({ contributor: 'Mei Lin', source: 'consent link', reason: 'I moved away', editions: [{ book: 'harbour-bundle', replacedBuildId: before }] });
    expect(items[0].editions[0].publishedAt).not.toBeNull();
  });
});
