import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { publishBook } from '../commerce/fixtures.ts';

/**
 * Search folds case in every script, not only ASCII: SQLite's lower() left
 * `Москва` and `Über` as they were, so typing a title's own words in lower
 * (or upper) case found nothing.
 */
const BASE = 'https://bindery.test';
const OURS = new Set(['search-cyrillic', 'search-fullwidth']);

async function found(query: string): Promise<string[]> {
  const page = await (await SELF.fetch(`${BASE}/api/v1/books?q=${encodeURIComponent(query)}`)).json<{ items: { slug: string }[] }>();
  return page.items.map((b) => b.slug).filter((slug) => OURS.has(slug));
}

beforeAll(async () => {
  await publishBook('search-cyrillic', { title: 'Москва и Über Café' });
  await publishBook('search-fullwidth', { title: 'ＡＩ影片工作流程' });
});

describe('catalog search in every script', () => {
  it('finds a Cyrillic or accented title by its words in either case', async () => {
    for (const query of ['Москва', 'москва', 'МОСКВА', 'Über', 'über', 'ÜBER', 'CAFÉ']) expect(await found(query), query).toEqual(['search-cyrillic']);
  });

  it('matches an accent typed decomposed, and full-width letters by plain ones', async () => {
    expect(await found('Cafe\u0301')).toEqual(['search-cyrillic']);
    expect(await found('ai影片')).toEqual(['search-fullwidth']);
  });

  it('finds the same on the storefront and in the OPDS feed', async () => {
    expect(await (await SELF.fetch(`${BASE}/?q=${encodeURIComponent('москва')}`)).text()).toContain('Москва и Über Café');
    expect(await (await SELF.fetch(`${BASE}/opds/publications?query=${encodeURIComponent('über')}`)).text()).toContain('Москва и Über Café');
  });
});
