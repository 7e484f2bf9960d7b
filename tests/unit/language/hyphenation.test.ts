import { expect, it } from 'vitest';
import { hyphenationFor } from '../../../src/language/index.ts';

it('hyphenates words up to 63 letters as TeX does, and leaves a longer run of letters (a pasted key or blob) whole', async () => {
  const hyphenate = (await hyphenationFor(['en']))('en')!;
  expect(hyphenate('hyphenation').length).toBeGreaterThan(0);
  const long = 'internationalization'.repeat(4).slice(0, 63);
  expect(long).toHaveLength(63);
  expect(hyphenate(long).length).toBeGreaterThan(0);
  expect(hyphenate(`${long}s`)).toEqual([]);
  // Its patterns' matcher slices the word at every letter: 150,000 letters took minutes before the limit.
  expect(hyphenate('a'.repeat(150_000))).toEqual([]);
});
