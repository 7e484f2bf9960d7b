import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from '@cantoo/pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectorySource } from '../../../src/cli/directory-source.ts';
import { loadCliFonts } from '../../../src/cli/fonts.ts';
import { MemorySource } from '../../../src/content/source.ts';
import type { Block, BookDocument } from '../../../src/document/model.ts';
import { hyphenationFor, languageOf } from '../../../src/language/index.ts';
import { embedFonts } from '../../../src/pdf/fonts.ts';
import { pageGeometry, textWidth, TYPE } from '../../../src/pdf/geometry.ts';
import { baseStyle, shapeInlines, type ShapeContext, type TextChar } from '../../../src/pdf/inline.ts';
import { adjustmentRatio, breakLines, breakOpportunities, HARD_BREAK, type LineRange, type Measured } from '../../../src/pdf/linebreak.ts';
import { breakParagraph } from '../../../src/pdf/optimal-fit.ts';
import { buildBook, prepareBook } from '../../../src/pipeline/build.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';

/**
 * Issue 11, PDF item 8: English paragraphs are set by total fit with
 * hyphenation, so word spaces stay even; no word is ever cut without a hyphen.
 */

function paragraphs(blocks: readonly Block[]): Extract<Block, { type: 'paragraph' }>[] {
  return blocks.flatMap((b) => (b.type === 'paragraph' ? [b] : b.type === 'quote' ? paragraphs(b.children) : []));
}

/** Fixed-width test characters: letters 5 pt, spaces 2.5 pt. */
function measured(text: string): Measured[] {
  return [...text].map((ch) => ({ codePoint: ch.codePointAt(0)!, width: ch === ' ' ? 2.5 : 5, gapBefore: 0 }));
}

const lineText = (chars: readonly Measured[], line: LineRange) => String.fromCodePoint(...chars.slice(line.start, line.end).map((c) => c.codePoint)) + (line.hyphenated ? '-' : '');

describe('total-fit line breaking', () => {
  it('moves words back over several lines instead of leaving one loose line', () => {
    // Greedy fills the first two lines and leaves the third's word spaces at 2×; total fit sets every line exactly.
    const text = 'aaaaaaa bbbbbb cccccc ddd eee ff gggg hhhh ii jj kkkkk llll';
    const chars = measured(text);
    const opportunities = breakOpportunities(chars.map((c) => c.codePoint));
    const width = 100;
    const worst = (lines: LineRange[]) => Math.max(...lines.filter((l) => !l.last).map((l) => adjustmentRatio(chars, l, width)));
    expect(worst(breakLines(chars, opportunities, width))).toBeGreaterThanOrEqual(2);
    const optimal = breakParagraph(chars, opportunities, width);
    expect(worst(optimal)).toBeLessThan(0.5);
    // Word spaces may shrink to three quarters, never further.
    for (const line of optimal) expect(adjustmentRatio(chars, line, width)).toBeGreaterThanOrEqual(-1);
    expect(optimal.map((l) => lineText(chars, l)).join(' ')).toBe(text);
  });

  it('keeps hard breaks and blank lines, with every line before a hard break ragged', () => {
    const chars = measured('one two\n\nthree four five');
    chars[7].codePoint = chars[8].codePoint = HARD_BREAK;
    const lines = breakParagraph(chars, breakOpportunities(chars.map((c) => c.codePoint)), 200);
    expect(lines.map((l) => [lineText(chars, l), l.last])).toEqual([['one two', true], ['', true], ['three four five', true]]);
  });

  it('hyphenates at a marked point, counting the hyphen in the line, and otherwise cuts a too-long word at the margin', () => {
    const chars = measured('xx abcdefghij yy');
    chars[7].hyphenAfter = 3; // abcde-fghij
    const lines = breakParagraph(chars, breakOpportunities(chars.map((c) => c.codePoint)), 45);
    expect(lines.map((l) => lineText(chars, l))).toEqual(['xx abcde-', 'fghij yy']);
    const unmarked = measured('abcdefghijklmnop');
    const cut = breakParagraph(unmarked, breakOpportunities(unmarked.map((c) => c.codePoint)), 40);
    expect(cut.map((l) => lineText(unmarked, l))).toEqual(['abcdefgh', 'ijklmnop']);
  });
});

describe('English paragraphs of the sample book at the PDF measure', () => {
  let document: BookDocument;
  let shaped: TextChar[][];
  let width: number;
  beforeAll(async () => {
    ({ document } = await prepareBook(new DirectorySource('books/remote-newsroom-playbook'), { formats: ['pdf'] }));
    const shape: ShapeContext = {
      fonts: await embedFonts(await PDFDocument.create(), await loadCliFonts(), []),
      onMissingGlyph() {},
      language: languageOf(document.meta.language),
      hyphenation: await hyphenationFor([document.meta.language]),
    };
    width = textWidth(pageGeometry(document.meta.page));
    shaped = document.chapters.flatMap((c) => paragraphs(c.blocks)).map((p) => shapeInlines(p.children, baseStyle('regular', TYPE.body), shape));
  });

  it('stretches word spaces beyond 1.5× in far fewer lines than greedy filling did, and never overfills a line', () => {
    const loose = (breaker: (chars: TextChar[], o: Uint8Array) => LineRange[]) => {
      let full = 0;
      let stretched = 0;
      for (const chars of shaped) {
        for (const line of breaker(chars, breakOpportunities(chars.map((c) => c.codePoint)))) {
          expect(adjustmentRatio(chars, line, width)).toBeGreaterThanOrEqual(-1);
          if (line.last) continue;
          full++;
          if (adjustmentRatio(chars, line, width) > 1) stretched++;
        }
      }
      return stretched / full;
    };
    const greedy = loose((chars, o) => breakLines(chars, o, width));
    const optimal = loose((chars, o) => breakParagraph(chars, o, width));
    expect(greedy).toBeGreaterThan(0.4);
    expect(optimal).toBeLessThan(0.2);
  });

  it('hyphenates only prose words, between letters, with at least two letters before and three after the break', () => {
    const points = shaped.flatMap((chars) => chars.flatMap((c, i) => (c.hyphen ? [[chars, i] as const] : [])));
    expect(points.length).toBeGreaterThan(100);
    for (const [chars, i] of points) {
      const word = /\p{L}+$/u.exec(String.fromCodePoint(...chars.slice(Math.max(0, i - 30), i + 1).map((c) => c.codePoint)))![0];
      const rest = /^\p{L}+/u.exec(String.fromCodePoint(...chars.slice(i + 1, i + 30).map((c) => c.codePoint)))?.[0] ?? '';
      expect(word.length, word + rest).toBeGreaterThanOrEqual(2);
      expect(rest.length, word + rest).toBeGreaterThanOrEqual(3);
      expect(chars[i].style.face).not.toBe('mono');
    }
  });
});

describeWithTools([TOOLS.poppler], 'hyphenated English in a built PDF', () => {
  let work: string;
  let pdf: string;
  const words = ['Newsroom', 'independently', 'accountability', 'transparency', 'infrastructure', 'verification', 'correspondents', 'collaboration'];
  const LONG = 'Newsroomaccountabilityinfrastructure';
  const URL = `https://example.com/api/v2/archive/2025/01/31/${Array.from({ length: 4 }, (_, i) => `segment-0${i}-abcdefghijklmnopqrstuvwxyz`).join('/')}`;
  const URL_PARAGRAPH = `作為裸網址（GFM autolink）：${URL}，後面接著正常文字。`;
  const text = Array.from({ length: 60 }, (_, i) => words[(i * 7) % words.length] + (i % 5 === 4 ? '.' : '')).join(' ');
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'bindery-english-lines-'));
    const source = new MemorySource(
      'english-lines',
      new Map([
        ['book.yaml', 'title: English lines\nauthors: [Test]\nlanguage: en\ndate: 2025-01-15\npage: a5\nchapters:\n  - articles/one.md\n'],
        ['articles/one.md', `---\ntitle: One\n---\n\n${text}\n\n| A | B | C |\n|--|--|--|\n| ${LONG} | ${LONG} | ${LONG} |\n\n${URL_PARAGRAPH}\n`],
      ]),
    );
    const result = await buildBook(source, { formats: ['pdf'], fonts: loadCliFonts });
    pdf = join(work, 'book.pdf');
    writeFileSync(pdf, result.files[0].bytes);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('prints every word whole: broken only at a hyphen, which text extraction joins again', () => {
    const layout = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });
    const broken = layout.split('\n').filter((line) => /[a-z]-$/.test(line.trim()));
    expect(broken.length).toBeGreaterThan(0);
    const plain = execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(plain).toContain(text);
    // Table columns narrower than a word split it at a hyphenation point, with a hyphen, not at the margin.
    expect(layout).toMatch(/^Newsroom[a-z]+-\s+Newsroom[a-z]+-\s+Newsroom[a-z]+-\n/m);
    expect(plain.match(new RegExp(LONG, 'g'))).toHaveLength(3);
    // A URL breaks anywhere (no hyphen added), so the line before its long segments is filled, not stretched apart.
    const urlLines = layout.split('\n').filter((line) => line.includes('作') || /segment-0\d/.test(line));
    expect(urlLines[0]).toMatch(/^作為裸網址（GFM autolink）：https:\/\/example\.com\/api\/v2\/arch/);
    expect(urlLines.map((line) => line.trim()).join('')).toContain(URL.replace('https://', ''));
  });
});
