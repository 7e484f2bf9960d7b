import { describe, expect, it } from 'vitest';
import { epubcheck, EPUBCHECK_CLEAN } from '../../support/epubcheck.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';
import { a11ySource } from './a11y-book.ts';
import { BOOKS, buildEpub, unzipText } from './epub-files.ts';

const opfOf = async (source: Parameters<typeof buildEpub>[0]) => unzipText(await buildEpub(source)).get('EPUB/package.opf')!;

/** The values of one `<meta property>` of the package, in order. */
const metas = (opf: string, property: string) =>
  [...opf.matchAll(new RegExp(`<meta property="${property}">([^<]*)</meta>`, 'g'))].map((m) => m[1]);

describe('EPUB accessibility metadata', () => {
  it('declares the a11y prefix and states modes, features, hazards, summary, claim and certifier of the zh-Hant sample book', async () => {
    const opf = await opfOf(BOOKS.aiVideo);
    expect(opf).toMatch(/<package [^>]*prefix="(?:[^"]* )?a11y: http:\/\/www\.idpf\.org\/epub\/vocab\/package\/a11y\/#[" ]/);
    expect(metas(opf, 'schema:accessMode')).toEqual(['textual', 'visual']);
    expect(metas(opf, 'schema:accessModeSufficient')).toEqual(['textual', 'textual,visual']);
    expect(metas(opf, 'schema:accessibilityFeature')).toEqual(
      expect.arrayContaining(['alternativeText', 'structuralNavigation', 'tableOfContents', 'readingOrder', 'displayTransformability']),
    );
    expect(metas(opf, 'schema:accessibilityHazard')).toEqual(['none']);
    expect(metas(opf, 'schema:accessibilitySummary')[0]).toContain('目錄');
    expect(metas(opf, 'dcterms:conformsTo')).toEqual(['EPUB Accessibility 1.1 - WCAG 2.1 Level AA']);
    expect(metas(opf, 'a11y:certifiedBy')).toEqual(['知識工坊']);
  });

  it('writes the summary in the book language: English, Simplified and Traditional Chinese', async () => {
    const summary = async (language: string) => metas(await opfOf(a11ySource({ language })), 'schema:accessibilitySummary')[0];
    expect(await summary('en')).toMatch(/^A reflowable book with a table of contents/);
    const hans = await summary('zh-CN');
    expect(hans).toContain('目录');
    for (const traditional of '錄層級標題閱讀順調樣圖描述') expect(hans).not.toContain(traditional);
    expect(await summary('zh-TW')).toContain('目錄');
  });

  it('states a text-only book as textual alone, without alternativeText', async () => {
    const opf = await opfOf(a11ySource());
    expect(metas(opf, 'schema:accessMode')).toEqual(['textual']);
    expect(metas(opf, 'schema:accessModeSufficient')).toEqual(['textual']);
    expect(metas(opf, 'schema:accessibilityFeature')).not.toContain('alternativeText');
    expect(metas(opf, 'dcterms:conformsTo')).toHaveLength(1);
  });

  it('makes no alternativeText, textual-only or WCAG claim when an image lacks alt text', async () => {
    const opf = await opfOf(a11ySource({ markdown: 'Text.\n\n![](images/checker.png)\n' }));
    expect(metas(opf, 'schema:accessMode')).toEqual(['textual', 'visual']);
    expect(metas(opf, 'schema:accessModeSufficient')).toEqual(['textual,visual']);
    expect(metas(opf, 'schema:accessibilityFeature')).not.toContain('alternativeText');
    expect(metas(opf, 'schema:accessibilitySummary')[0]).toContain('Some images have no text description');
    expect(metas(opf, 'dcterms:conformsTo')).toEqual([]);
    expect(metas(opf, 'a11y:certifiedBy')).toEqual([]);
  });

  it('lets book.yaml override every derived value', async () => {
    const yaml = [
      'accessibility:',
      '  accessMode: [textual, visual, chartOnVisual]',
      '  accessModeSufficient: "textual, visual"',
      '  accessibilityFeature: [tableOfContents, MathML]',
      '  accessibilityHazard: [noFlashingHazard, noSoundHazard]',
      '  accessibilitySummary: Checked by hand.',
      '  conformsTo: EPUB Accessibility 1.1 - WCAG 2.2 Level AA',
      '  certifiedBy: Example Lab',
      '',
    ].join('\n');
    const opf = await opfOf(a11ySource({ yaml }));
    expect(metas(opf, 'schema:accessMode')).toEqual(['textual', 'visual', 'chartOnVisual']);
    expect(metas(opf, 'schema:accessModeSufficient')).toEqual(['textual,visual']);
    expect(metas(opf, 'schema:accessibilityFeature')).toEqual(['tableOfContents', 'MathML']);
    expect(metas(opf, 'schema:accessibilityHazard')).toEqual(['noFlashingHazard', 'noSoundHazard']);
    expect(metas(opf, 'schema:accessibilitySummary')).toEqual(['Checked by hand.']);
    expect(metas(opf, 'dcterms:conformsTo')).toEqual(['EPUB Accessibility 1.1 - WCAG 2.2 Level AA']);
    expect(metas(opf, 'a11y:certifiedBy')).toEqual(['Example Lab']);
  });

  it('drops the claim and its certifier when book.yaml sets conformsTo: false', async () => {
    const opf = await opfOf(a11ySource({ yaml: 'accessibility:\n  conformsTo: false\n' }));
    expect(metas(opf, 'dcterms:conformsTo')).toEqual([]);
    expect(metas(opf, 'a11y:certifiedBy')).toEqual([]);
  });

  it.each([
    ['an unknown field', '  accesMode: textual\n', /accesMode/],
    ['an access mode outside schema.org', '  accessMode: [textual, smell]\n', /accessMode/],
    ['a sufficient set with an unknown mode', '  accessModeSufficient: textual,smell\n', /accessModeSufficient/],
    ['an unknown feature', '  accessibilityFeature: [tableofcontents]\n', /accessibilityFeature/],
  ])('rejects an accessibility block with %s', async (_label, body, field) => {
    await expect(buildEpub(a11ySource({ yaml: `accessibility:\n${body}` }))).rejects.toThrow(field);
  });
});

describeWithTools([TOOLS.epubcheck], 'EPUBCheck accepts the accessibility metadata', () => {
  it('passes a book with book.yaml overrides and an undescribed image with 0 errors and 0 warnings', async () => {
    const yaml = 'accessibility:\n  accessibilityHazard: [noFlashingHazard]\n  certifiedBy: Example Lab\n';
    const { summary, report } = await epubcheck(await buildEpub(a11ySource({ yaml, markdown: '![](images/checker.png)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n' })), 'a11y');
    expect(summary, report).toBe(EPUBCHECK_CLEAN);
  });
});
