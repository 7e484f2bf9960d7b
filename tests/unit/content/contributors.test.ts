import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArticle } from '../../../src/content/article.ts';
import { contributions } from '../../../src/content/contributors.ts';
import { BinderyError } from '../../../src/errors.ts';
import { runCli } from '../cli/run-cli.ts';

const FRONT = `---
title: Harbour interview
contributors:
  - name: Mei Lin
    role: interviewee
    email: mei@example.com
    consent: cns_4f1c2a
  - name: Ade Photo
    role: photographer
images:
  ./images/lamp.png: { contributor: Ade Photo }
---

Text.
`;

function parseError(text: string): BinderyError {
  try {
    parseArticle('articles/01.md', text);
  } catch (err) {
    expect(err).toBeInstanceOf(BinderyError);
    return err as BinderyError;
  }
  throw new Error('the article parsed');
}

describe('contributors in article front matter', () => {
  it('reads who contributed the text and who the images, with their consent records', () => {
    const { meta, withoutConsent } = parseArticle('articles/01.md', FRONT);
    expect(contributions(meta)).toEqual([
      { contributor: { name: 'Mei Lin', role: 'interviewee', email: 'mei@example.com', consent: 'cns_4f1c2a' }, images: [] },
      { contributor: { name: 'Ade Photo', role: 'photographer' }, images: ['images/lamp.png'] },
    ]);
    expect(withoutConsent).toEqual([{ file: 'articles/01.md', line: 8, message: expect.stringContaining('"Ade Photo" (photographer) has no consent record') }]);
  });

  it('names the line of a malformed consent id, an unknown field and an image credited to someone not listed', () => {
    const badId = parseError(FRONT.replace('cns_4f1c2a', 'yes'));
    expect(badId.where).toMatchObject({ line: 7, field: 'contributors.0.consent' });
    expect(badId.message).toContain('consent id');
    const typo = parseError(FRONT.replace('    email:', '    emial:'));
    expect(typo.where).toMatchObject({ line: 6, field: 'emial' });
    const unlisted = parseError(FRONT.replace('{ contributor: Ade Photo }', '{ contributor: Somebody }'));
    expect(unlisted.where.line).toBe(11);
    expect(unlisted.message).toContain('"Somebody" is not listed under contributors:');
  });
});

describe('book.yaml consent: required', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bindery-consent-'));
    await mkdir(join(dir, 'articles'));
    await writeFile(join(dir, 'book.yaml'), 'title: Coast\nlanguage: en\nauthors: [Desk]\ndate: 2025-03-01\nconsent: required\nchapters:\n  - articles/01.md\n');
    await writeFile(join(dir, 'articles/01.md'), FRONT.replace('\nimages:\n  ./images/lamp.png: { contributor: Ade Photo }', ''));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('makes bindery check warn at file:line about a contributor without consent', async () => {
    const run = await runCli(['check', relative(process.cwd(), dir)]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`${relative(process.cwd(), join(dir, 'articles/01.md'))}:8: warning: contributor "Ade Photo" (photographer) has no consent record`);
  });

  it('fails the build, naming the article and line', async () => {
    const run = await runCli(['build', relative(process.cwd(), dir), '--out', relative(process.cwd(), join(dir, 'dist')), '--format', 'epub']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${relative(process.cwd(), join(dir, 'articles/01.md'))}:8: contributor "Ade Photo" (photographer) has no consent record`);
  });

  it('is an unknown value only when misspelt', async () => {
    await writeFile(join(dir, 'book.yaml'), 'title: Coast\nlanguage: en\nauthors: [Desk]\ndate: 2025-03-01\nconsent: always\nchapters:\n  - articles/01.md\n');
    const run = await runCli(['check', relative(process.cwd(), dir)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/book\.yaml:5: field "consent"/);
  });
});
