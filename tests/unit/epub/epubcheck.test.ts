import { expect, it } from 'vitest';
import { epubcheck, EPUBCHECK_CLEAN } from '../../support/epubcheck.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';
import { BOOKS, buildEpub, buildSampleEpub } from './epub-files.ts';
import { trickySource } from './tricky-book.ts';

describeWithTools([TOOLS.epubcheck], 'EPUBCheck 4.2.6 accepts every EPUB Bindery writes', () => {
  // One JVM per book, all at once.
  it.concurrent.each([
    ['the zh-Hant sample book', BOOKS.aiVideo],
    ['the English sample book', BOOKS.newsroom],
    ['the edge-case book (attack payloads, long URLs, rare Han, emoji)', BOOKS.edgeCases],
  ])('passes %s with 0 errors and 0 warnings', async (_label, book) => {
    const { summary, report } = await epubcheck(await buildEpub(book), book.split('/').pop()!);
    expect(summary, report).toBe(EPUBCHECK_CLEAN);
  });

  it.concurrent('passes a book of validator traps: non-name heading ids, WebP, odd file names, bad lang and links', async () => {
    const { summary, report } = await epubcheck(await buildEpub(trickySource()), 'tricky');
    expect(summary, report).toBe(EPUBCHECK_CLEAN);
  });

  it.concurrent('passes the free-sample EPUB built from the first chapters', async () => {
    const { summary, report } = await epubcheck(await buildSampleEpub(BOOKS.aiVideo), 'sample');
    expect(summary, report).toBe(EPUBCHECK_CLEAN);
  });
});
