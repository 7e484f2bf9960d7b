import { describe, expect, it } from 'vitest';
import { BinderyError } from '../../../src/errors.ts';
import { epubcheck, EPUBCHECK_CLEAN } from '../../support/epubcheck.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';
import { a11ySource } from './a11y-book.ts';
import { BOOKS, buildEpub, unzipText } from './epub-files.ts';

const opfOf = async (source: Parameters<typeof buildEpub>[0]) => unzipText(await buildEpub(source)).get('EPUB/package.opf')!;
const metas = (opf: string, property: string) =>
  [...opf.matchAll(new RegExp(`<meta property="${property}">([^<]*)</meta>`, 'g'))].map((m) => m[1]);

const withPolicy = a11ySource({ yaml: 'tdm:\n  reservation: true\n  policy: https://press.example/tdm-policy.json\n' });

describe('The publisher’s text and data mining reservation in the EPUB package (TDMRep)', () => {
  it('reserves mining by default, with the tdm prefix declared', async () => {
    const opf = await opfOf(BOOKS.aiVideo);
    expect(opf).toMatch(/<package [^>]*prefix="[^"]*tdm: http:\/\/www\.w3\.org\/ns\/tdmrep#/);
    expect(metas(opf, 'tdm:reservation')).toEqual(['1']);
    expect(metas(opf, 'tdm:policy')).toEqual([]);
  });

  it('states book.yaml’s policy with the reservation', async () => {
    const opf = await opfOf(withPolicy);
    expect(metas(opf, 'tdm:reservation')).toEqual(['1']);
    expect(metas(opf, 'tdm:policy')).toEqual(['https://press.example/tdm-policy.json']);
  });

  it('states 0 and no policy when book.yaml allows mining', async () => {
    const opf = await opfOf(a11ySource({ yaml: 'tdm:\n  reservation: false\n  policy: https://press.example/p\n' }));
    expect(metas(opf, 'tdm:reservation')).toEqual(['0']);
    expect(metas(opf, 'tdm:policy')).toEqual([]);
  });

  it.each([
    ['a policy that is not a web address', 'tdm:\n  reservation: true\n  policy: javascript:alert(1)\n', 8, 'tdm.policy'],
    ['a reservation spelt as text', 'tdm:\n  reservation: "yes"\n', 7, 'tdm.reservation'],
    ['an unknown field', 'tdm:\n  reservation: true\n  polcy: https://x.example/\n', 8, 'polcy'],
  ])('refuses %s, naming book.yaml, its line and the field', async (_label, yaml, line, field) => {
    const error = await buildEpub(a11ySource({ yaml })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BinderyError);
    expect((error as BinderyError).where).toMatchObject({ file: 'book.yaml', line, field });
  });
});

describeWithTools([TOOLS.epubcheck], 'EPUBCheck accepts the TDMRep metadata', () => {
  it('passes a book with a reservation and a policy with 0 errors and 0 warnings', async () => {
    const { summary, report } = await epubcheck(await buildEpub(withPolicy), 'tdm');
    expect(summary, report).toBe(EPUBCHECK_CLEAN);
  });
});
