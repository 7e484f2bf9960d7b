import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describeWithTools, TOOLS } from '../../support/tools.ts';
import { BOOKS, buildEpub, buildSampleEpub } from './epub-files.ts';
import { trickySource } from './tricky-book.ts';

const dir = mkdtempSync(join(tmpdir(), 'bindery-epubcheck-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** EPUBCheck's verdict on the bytes: its summary line and full report. */
function epubcheck(name: string, bytes: Uint8Array): { summary: string; report: string } {
  const file = join(dir, `${name}.epub`);
  writeFileSync(file, bytes);
  const run = spawnSync('java', ['-jar', '/usr/share/java/epubcheck.jar', file], { encoding: 'utf8', timeout: 120_000 });
  const report = `${run.stdout}\n${run.stderr}`;
  return { summary: /Messages: .*/.exec(report)?.[0] ?? report, report };
}

const CLEAN = 'Messages: 0 fatals / 0 errors / 0 warnings / 0 infos';

describeWithTools([TOOLS.epubcheck], 'EPUBCheck 4.2.6 accepts every EPUB Bindery writes', () => {
  it.each([
    ['the zh-Hant sample book', BOOKS.aiVideo],
    ['the English sample book', BOOKS.newsroom],
    ['the edge-case book (attack payloads, long URLs, rare Han, emoji)', BOOKS.edgeCases],
  ])('passes %s with 0 errors and 0 warnings', async (_label, book) => {
    const { summary, report } = epubcheck(book.split('/').pop()!, await buildEpub(book));
    expect(summary, report).toBe(CLEAN);
  });

  it('passes a book of validator traps: non-name heading ids, WebP, odd file names, bad lang and links', async () => {
    const { summary, report } = epubcheck('tricky', await buildEpub(trickySource()));
    expect(summary, report).toBe(CLEAN);
  });

  it('passes the free-sample EPUB built from the first chapters', async () => {
    const { summary, report } = epubcheck('sample', await buildSampleEpub(BOOKS.aiVideo));
    expect(summary, report).toBe(CLEAN);
  });
});
