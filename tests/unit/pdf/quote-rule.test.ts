import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadCliFonts } from '../../../src/cli/fonts.ts';
import { MemorySource } from '../../../src/content/source.ts';
import { buildBook } from '../../../src/pipeline/build.ts';
import { COLOURS, pageGeometry } from '../../../src/pdf/geometry.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';

const dir = mkdtempSync(join(tmpdir(), 'bindery-quote-rule-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const filler = 'Plain running text that fills the page before the quotes begin, line after line of it.';
/** A short quote of three paragraphs (words a1…, a2…, a3…), then a long one of many (b1…, b2…) that runs over a page break. */
const markdown = [
  filler,
  '> a1 first paragraph of the short quote.\n>\n> a2 second paragraph, with a blank line before it.\n>\n> a3 third and last paragraph.',
  filler.repeat(6),
  Array.from({ length: 24 }, (_, i) => `> b${i + 1} paragraph ${i + 1} of the long quote, set over more than one line of the page so that it wraps.`).join('\n>\n'),
  'After the quotes.',
].join('\n\n');

interface Page {
  width: number;
  height: number;
  pixels: Buffer;
  /** Words with their vertical extent, in points from the page's top (72 dpi: one pixel each). */
  words: { text: string; top: number; bottom: number }[];
}

/** Runs [top, bottom) of rule-coloured pixels down the page column that holds most of them. */
function ruleRuns(page: Page): [number, number][] {
  const rule = COLOURS.quoteRule.map((c) => Math.round(c * 255));
  const isRule = (x: number, y: number) => rule.every((c, k) => Math.abs(page.pixels[(y * page.width + x) * 3 + k] - c) <= 12);
  let column = 0;
  let most = 0;
  for (let x = 0; x < page.width / 3; x++) {
    let n = 0;
    for (let y = 0; y < page.height; y++) if (isRule(x, y)) n++;
    if (n > most) [column, most] = [x, n];
  }
  const runs: [number, number][] = [];
  for (let y = 0; y < page.height; y++) {
    if (!isRule(column, y)) continue;
    if (runs.length && runs[runs.length - 1][1] === y) runs[runs.length - 1][1] = y + 1;
    else runs.push([y, y + 1]);
  }
  return runs;
}

/** The run beside a word: its vertical middle lies in it. */
function runBeside(runs: [number, number][], word: { top: number; bottom: number }): [number, number] | undefined {
  const middle = (word.top + word.bottom) / 2;
  return runs.find(([top, bottom]) => top <= middle && middle < bottom);
}

describeWithTools([TOOLS.poppler], "a block quote's rule in the PDF", () => {
  let pages: Page[];
  beforeAll(async () => {
    const source = new MemorySource(
      'quotes',
      new Map<string, Uint8Array | string>([
        ['book.yaml', 'title: Quotes\nlanguage: en\nauthors: [A]\ndate: 2025-06-28\nchapters:\n  - one.md\n'],
        ['one.md', `---\ntitle: Quotes\n---\n\n${markdown}\n`],
      ]),
    );
    const fonts = await loadCliFonts();
    const built = await buildBook(source, { formats: ['pdf'], fonts: async () => fonts });
    const file = join(dir, 'quotes.pdf');
    writeFileSync(file, built.files[0].bytes);
    execFileSync('pdftoppm', ['-r', '72', file, join(dir, 'page')]);
    const bbox = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' });
    pages = bbox.split('<page ').slice(1).map((html, i) => {
      const ppm = readFileSync(join(dir, `page-${i + 1}.ppm`));
      const [header, width, height] = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.toString('latin1', 0, 32))!;
      const words = [...html.matchAll(/yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</g)].map(([, top, bottom, text]) => ({ text, top: Number(top), bottom: Number(bottom) }));
      return { width: Number(width), height: Number(height), pixels: ppm.subarray(header.length), words };
    });
  });

  const quotePages = (prefix: string) => pages.filter((p) => p.words.some((w) => w.text.startsWith(prefix) && /^[ab]\d+$/.test(w.text)));

  it('draws one unbroken rule beside all the paragraphs of a quote', () => {
    const [page] = quotePages('a');
    const runs = ruleRuns(page);
    const marks = ['a1', 'a2', 'a3'].map((text) => page.words.find((w) => w.text === text)!);
    const beside = marks.map((w) => runBeside(runs, w));
    expect(beside[0]).toBeDefined();
    expect(beside).toEqual([beside[0], beside[0], beside[0]]);
  });

  it('continues the rule of a quote broken over pages from the top of the text area, unbroken on both pages', () => {
    const long = quotePages('b');
    expect(long.length).toBeGreaterThanOrEqual(2);
    const textTop = pageGeometry('a5').top;
    for (const [n, page] of long.entries()) {
      const marks = page.words.filter((w) => /^b\d+$/.test(w.text));
      const runs = ruleRuns(page);
      const run = runBeside(runs, marks[0]);
      expect(run, `page ${n + 1} of the quote`).toBeDefined();
      for (const mark of marks) expect(runBeside(runs, mark), mark.text).toEqual(run);
      if (n > 0) expect(run![0]).toBeLessThanOrEqual(Math.ceil(textTop));
    }
  });
});
