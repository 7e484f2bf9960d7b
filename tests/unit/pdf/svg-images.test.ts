import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { buildBook } from '../../../src/pipeline/build.ts';
import { loadCliFonts } from '../../../src/cli/fonts.ts';
import { MemorySource } from '../../../src/content/source.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';

const SVG = 'xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"';

/** A one-chapter English book whose only image is `svg`. */
async function buildWithSvg(svg: string) {
  const source = new MemorySource(
    'svg-book',
    new Map<string, string>([
      ['book.yaml', 'title: SVG\nlanguage: en\nauthors: [A]\ndate: 2024-01-01\nchapters:\n  - articles/one.md\n'],
      ['articles/one.md', '---\ntitle: One\n---\n\nA drawing follows.\n\n![drawing](../images/d.svg)\n'],
      ['images/d.svg', svg],
    ]),
  );
  const fonts = await loadCliFonts();
  return buildBook(source, { formats: ['pdf'], fonts: async () => fonts });
}

describeWithTools([TOOLS.qpdf, TOOLS.poppler], 'SVG images in the PDF', () => {
  const work = mkdtempSync(join(tmpdir(), 'bindery-svg-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  function save(bytes: Uint8Array, name: string): string {
    const file = join(work, `${name}.pdf`);
    writeFileSync(file, bytes);
    return file;
  }

  function qpdfCheck(file: string): void {
    const out = execFileSync('qpdf', ['--check', file], { encoding: 'utf8' });
    expect(out).toContain('No syntax or stream encoding errors found');
    expect(out).not.toMatch(/WARNING/i);
  }

  /** Dark pixels on the last page (the chapter) at 72 dpi: one per square point of black. */
  function darkPixelsOnChapterPage(file: string, pages: number): number {
    const prefix = join(work, 'page');
    execFileSync('pdftoppm', ['-gray', '-r', '72', '-f', String(pages), '-l', String(pages), '-singlefile', file, prefix]);
    const data = readFileSync(`${prefix}.pgm`);
    const header = /^P5\s+\d+\s+\d+\s+\d+\s/.exec(data.subarray(0, 64).toString('latin1'))!;
    let dark = 0;
    for (const p of data.subarray(header[0].length)) if (p < 64) dark++;
    return dark;
  }

  it('builds a book with a plain SVG rect (no fill) and the PDF passes qpdf --check', async () => {
    const built = await buildWithSvg(`<svg ${SVG}><rect width="10" height="10"/></svg>`);
    expect(built.facts.warnings).toEqual([]);
    qpdfCheck(save(built.files[0].bytes, 'plain-rect'));
  });

  it('draws a shape without a fill in black, as SVG does by default', async () => {
    const built = await buildWithSvg(`<svg ${SVG}><rect width="100" height="100"/></svg>`);
    const [pdf] = built.files;
    // The 100 px drawing is 75 pt square (5625 dark pixels); the chapter's few words are far less ink.
    expect(darkPixelsOnChapterPage(save(pdf.bytes, 'black-square'), pdf.pages!)).toBeGreaterThan(5000);
  });

  it('draws an SVG that paints nothing as an empty drawing', async () => {
    const built = await buildWithSvg(`<svg ${SVG}><g/></svg>`);
    expect(built.facts.warnings).toEqual([]);
    qpdfCheck(save(built.files[0].bytes, 'empty'));
  });

  it('draws a path up to an error in its data, as browsers do (a trailing bare M lost the whole image to a placeholder)', async () => {
    const built = await buildWithSvg(`<svg ${SVG}><rect width="100" height="100"/><path d="M0 0 L100 100 M" stroke="black"/></svg>`);
    expect(built.facts.warnings).toEqual([]);
    const [pdf] = built.files;
    expect(darkPixelsOnChapterPage(save(pdf.bytes, 'bare-m'), pdf.pages!)).toBeGreaterThan(5000);
  });

  it('shows an SVG that cannot be drawn as a placeholder with a file:line warning, and the PDF stays valid', async () => {
    const built = await buildWithSvg(`<svg ${SVG}><rect width="5" height="5" fill="red"/><rect width="5" height="5" fill="no-such-colour"/></svg>`);
    expect(built.facts.warnings).toEqual([
      { file: 'articles/one.md', line: 7, message: expect.stringMatching(/^SVG image "images\/d.svg" could not be drawn .*placeholder/) },
    ]);
    qpdfCheck(save(built.files[0].bytes, 'placeholder'));
  });
});
