import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openSampleStore, type SampleStore } from '../support/sample-store.ts';
import { ROOT } from '../support/test-worker.ts';
import { describeWithTools, TOOLS } from '../support/tools.ts';

const SHOTS = join(ROOT, 'test-output', 'screenshots', 'accessibility');
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const VIEWPORTS = {
  desktop: { width: 1280, height: 900 },
  // WCAG 1.4.10 (Reflow): content must work at 320 CSS pixels without scrolling sideways.
  phone: { width: 320, height: 640 },
} as const;

interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[]; failureSummary: string }[];
}

/** The focused element's outline or box shadow, and whether it sits in the viewport: a sighted keyboard user sees where they are. */
const FOCUS_RING = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 ? style.outlineStyle + ' ' + style.outlineWidth + ' ' + style.outlineColor : style.boxShadow !== 'none' ? style.boxShadow : null;
  return { name: (el.getAttribute('aria-label') || el.textContent || el.getAttribute('name') || el.tagName).trim().replace(/\\s+/g, ' '), tag: el.tagName, ring, onScreen: box.bottom > 0 && box.right > 0 && box.top < innerHeight && box.left < innerWidth };
})()`;

describeWithTools([TOOLS.chromium], 'every storefront page meets WCAG 2.1 AA (axe-core in Chromium) and works by keyboard alone', () => {
  // Both sample books on sale in the run's shared wrangler dev (tests/support/sample-store.ts).
  let worker: SampleStore | undefined;
  let browser: Browser | undefined;
  let axeSource = '';
  /** Pages only a purchase reaches, filled in by the keyboard test. */
  const purchase: { success?: string; library?: string } = {};
  const consentPages: Record<string, string> = {};

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    worker = await openSampleStore();
    const { adminToken } = worker;
    // A contributor's consent page in each of its languages, opened by the link the editor API hands out.
    for (const [language, article] of [['en', 'remote-newsroom-playbook/01-foundations'], ['zh-Hant', 'ai-video-handbook/01-landscape']] as const) {
      const res = await fetch(`${worker.url}/api/v1/consents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ contributor: 'Lin Mei', role: 'interviewee', language, articles: [article] }),
      });
      expect(res.status, await res.clone().text()).toBe(201);
      consentPages[language] = new URL(((await res.json()) as { link: string }).link).pathname;
    }
    browser = await chromium.launch({
      executablePath: TOOLS.chromium.command,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    // The first file to open the store waits for wrangler dev and both books' builds.
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
  });

  /** Presses Tab until `matches` holds for the focused element, checking that each stop shows a focus ring. */
  async function tabTo(page: Page, matches: (focus: { name: string; tag: string }) => boolean, limit = 40): Promise<void> {
    const stops: string[] = [];
    for (let i = 0; i < limit; i++) {
      await page.keyboard.press('Tab');
      const focus = (await page.evaluate(FOCUS_RING)) as { name: string; tag: string; ring: string | null; onScreen: boolean } | null;
      if (!focus) continue;
      stops.push(focus.name);
      if (!page.url().startsWith(worker!.url)) {
        // Stripe's checkout page is Stripe's; only the shop's own pages are held to the shop's focus style.
        if (matches(focus)) return;
        continue;
      }
      expect(focus.ring, `no visible focus on ${focus.tag} "${focus.name}" at ${page.url()}`).not.toBeNull();
      expect(focus.onScreen, `${focus.tag} "${focus.name}" is focused off screen at ${page.url()}`).toBe(true);
      if (matches(focus)) return;
    }
    throw new Error(`Tab never reached the element at ${page.url()}; stops: ${stops.join(' | ')}`);
  }

  it('takes a keyboard-only reader from the catalog through checkout to their library', async () => {
    const page = await browser!.newPage({ viewport: VIEWPORTS.desktop });
    await page.goto(`${worker!.url}/`);

    // The first Tab shows the skip link; following it moves focus past the site navigation.
    await tabTo(page, (f) => f.name === 'Skip to content', 1);
    await page.keyboard.press('Enter');
    expect(new URL(page.url()).hash).toBe('#main');

    await tabTo(page, (f) => f.tag === 'A' && f.name === 'The Remote Newsroom Playbook');
    await Promise.all([page.waitForURL(/\/books\/remote-newsroom-playbook$/), page.keyboard.press('Enter')]);

    await tabTo(page, (f) => f.tag === 'INPUT' && f.name === 'email');
    await page.keyboard.type('keyboard-reader@example.com');
    await tabTo(page, (f) => f.tag === 'BUTTON', 1);
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Buy for $12');
    await Promise.all([page.waitForURL(new RegExp(`^${worker!.stripeUrl}/c/pay/`)), page.keyboard.press('Enter')]);

    // Stripe's page is Stripe's; the stand-in's Pay button is reached the same way.
    await tabTo(page, (f) => f.tag === 'BUTTON' && f.name === 'Pay');
    await Promise.all([page.waitForURL(/\/checkout\/success\?session_id=/), page.keyboard.press('Enter')]);
    purchase.success = new URL(page.url()).pathname + new URL(page.url()).search;
    expect(await page.locator('h1').textContent()).toBe('Thank you');

    await tabTo(page, (f) => f.tag === 'A' && f.name === 'Open your library');
    await Promise.all([page.waitForURL(/\/library\/[^/]+$/), page.keyboard.press('Enter')]);
    purchase.library = new URL(page.url()).pathname;
    await tabTo(page, (f) => f.tag === 'A' && f.name.startsWith('Download EPUB'));
    await page.close();
  });

  const PAGES: { name: string; path: () => string | undefined; lang: string }[] = [
    { name: 'catalog', path: () => '/', lang: 'en' },
    { name: 'search results', path: () => `/?q=${encodeURIComponent('影片')}`, lang: 'en' },
    { name: 'book page (zh-Hant)', path: () => '/books/ai-video-handbook', lang: 'zh-Hant' },
    { name: 'book page (English)', path: () => '/books/remote-newsroom-playbook', lang: 'en' },
    { name: 'book not found', path: () => '/books/no-such-book', lang: 'en' },
    { name: 'payment being confirmed', path: () => '/checkout/success?session_id=cs_test_not_paid_yet', lang: 'en' },
    { name: 'checkout success', path: () => purchase.success, lang: 'en' },
    { name: 'library', path: () => purchase.library, lang: 'en' },
    { name: 'library link form', path: () => '/library', lang: 'en' },
    { name: 'library link sent', path: () => '/library?sent=1', lang: 'en' },
    { name: 'library link expired', path: () => '/library/not-a-valid-link', lang: 'en' },
    { name: 'accessibility statement (English)', path: () => '/accessibility', lang: 'en' },
    { name: 'accessibility statement (zh-Hant)', path: () => '/accessibility/zh-Hant', lang: 'zh-Hant' },
    { name: 'consent page (English)', path: () => consentPages.en, lang: 'en' },
    { name: 'consent page (zh-Hant)', path: () => consentPages['zh-Hant'], lang: 'zh-Hant' },
    { name: 'consent link forged', path: () => '/consent/not-a-valid-link', lang: 'en' },
  ];

  it.each(Object.entries(VIEWPORTS))('finds no WCAG 2.1 AA violation on any page at %s width', async (viewportName, viewport) => {
    const page = await browser!.newPage({ viewport });
    const problems: string[] = [];
    for (const { name, path, lang } of PAGES) {
      const target = path();
      if (!target) {
        problems.push(`${name}: not reached (an earlier step did not get there)`);
        continue;
      }
      await page.goto(`${worker!.url}${target}`);
      expect(await page.locator('html').getAttribute('lang'), name).toBe(lang);
      // CDP evaluation is not subject to the pages' script-free CSP.
      await page.evaluate(axeSource);
      const { violations } = (await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(WCAG_21_AA)} } })`)) as { violations: AxeViolation[] };
      for (const v of violations) problems.push(`${name}: ${v.id} [${v.impact}] ${v.help} — ${v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary}`).join('; ')}`);
      const overflow = (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
      if (overflow > 0) problems.push(`${name}: scrolls sideways by ${overflow}px`);
      await page.screenshot({ path: join(SHOTS, `${name.replace(/\W+/g, '-')}-${viewportName}.png`), fullPage: true });
    }
    await page.close();
    expect(problems).toEqual([]);
  });
});
