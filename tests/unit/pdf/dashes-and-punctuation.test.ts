import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCliFonts } from '../../../src/cli/fonts.ts';
import { MemorySource } from '../../../src/content/source.ts';
import { breakLines, breakOpportunities, justify, type Measured } from '../../../src/pdf/linebreak.ts';
import { buildBook } from '../../../src/pipeline/build.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
}

const HAN = '天地玄黃宇宙洪荒日月盈昃辰宿列張寒來暑往秋收冬藏閏餘成歲律呂調陽雲騰致雨露結為霜金生麗水玉出崑岡劍號巨闕珠稱夜光';

/**
 * One paragraph per prefix length from 1 to past a full A5 line, each with the
 * mark after the prefix, so one of them puts the mark right at a line edge.
 */
function edgeParagraphs(mark: string): string {
  const out: string[] = [];
  for (let n = 1; n <= 40; n++) out.push(`${HAN.slice(0, n)}${mark}${HAN.slice(n, n + 30)}。`);
  return out.join('\n\n');
}

/** Paragraphs of one line each whose widths show how much the bracket runs were compressed. */
const COMPRESSION = {
  reference: '天地玄黃宇宙洪荒',
  colonOpening: '天地：「玄黃」宇宙',
  openingRun: '天地「『玄黃』」宇',
  parenthesisRun: '天（《玄黃》）地',
};

function source(): MemorySource {
  const chapter = `---
title: 破折號與刪節號
---

天——

${Object.values(COMPRESSION).join('\n\n')}

${edgeParagraphs('——')}

${edgeParagraphs('……')}

${edgeParagraphs('・')}

${edgeParagraphs('‧')}

${edgeParagraphs('·')}
`;
  return new MemorySource(
    'dashes',
    new Map<string, Uint8Array | string>([
      ['book.yaml', 'title: 標點測試\nlanguage: zh-Hant\nauthors: [編輯部]\ndate: 2025-01-15\npage: a5\nchapters:\n  - a/marks.md\n'],
      ['a/marks.md', chapter],
    ]),
  );
}

describe('justifying a line with —— or ……', () => {
  it('spreads the slack everywhere but inside the two-em marks', () => {
    const text = '甲乙——丙丁……戊己庚辛壬癸子丑';
    const chars: Measured[] = [...text].map((c) => ({ codePoint: c.codePointAt(0)!, width: 1, gapBefore: 0 }));
    const [first] = breakLines(chars, breakOpportunities(chars.map((c) => c.codePoint)), 10.5);
    const extra = justify(chars, first, 10.5)!;
    expect(extra[3]).toBe(0);
    expect(extra[7]).toBe(0);
    expect(extra[2]).toBeGreaterThan(0);
  });
});

describeWithTools([TOOLS.poppler], 'PDF: dashes, ellipses and interpuncts at line edges', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bindery-dashes-pdf-'));
  const file = join(dir, 'dashes.pdf');
  let lines: string[];
  let words: { page: number; text: string; xMin: number; yMin: number; xMax: number; yMax: number }[];

  beforeAll(async () => {
    const fonts = await loadCliFonts();
    writeFileSync(file, (await buildBook(source(), { formats: ['pdf'], fonts: async () => fonts })).files[0].bytes);
    lines = run('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-']).split(/[\n\f]/);
    words = run('pdftotext', ['-bbox', '-enc', 'UTF-8', file, '-'])
      .split('<page ')
      .slice(1)
      .flatMap((page, index) =>
        [...page.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({
          page: index + 1,
          text: m[5],
          xMin: Number(m[1]),
          yMin: Number(m[2]),
          xMax: Number(m[3]),
          yMax: Number(m[4]),
        })),
      );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('never starts a line with a dash, an ellipsis or an interpunct', () => {
    const bad = lines.filter((l) => /^[—…・‧·]/u.test(l));
    expect(bad).toEqual([]);
  });

  it('never splits —— or …… across lines', () => {
    const split = lines.filter((l, i) => /[—…]$/u.test(l) && !/(——|……)$/u.test(l) && /^[—…]/u.test(lines[i + 1] ?? ''));
    expect(split).toEqual([]);
  });

  const word = (text: string) => {
    const found = words.find((w) => w.text === text);
    if (!found) throw new Error(`no line reads ${text}`);
    return found;
  };

  it('draws —— as one unbroken rule two ems wide', () => {
    const em = (word(COMPRESSION.reference).xMax - word(COMPRESSION.reference).xMin) / COMPRESSION.reference.length;
    const line = word('天——');
    expect((line.xMax - line.xMin) / em).toBeCloseTo(3, 1);
    const dash = { ...line, xMin: line.xMin + em };
    // Rendered at 4 px a point, some pixel row is dark from one end of the two ems to the other.
    const scale = 4;
    const x = Math.floor(dash.xMin * scale);
    const width = Math.ceil((dash.xMax - dash.xMin) * scale);
    const y = Math.floor(dash.yMin * scale);
    const height = Math.ceil((dash.yMax - dash.yMin) * scale);
    const base = join(dir, 'dash');
    run('pdftoppm', ['-gray', '-r', String(72 * scale), '-f', String(dash.page), '-l', String(dash.page), '-singlefile', '-x', String(x), '-y', String(y), '-W', String(width), '-H', String(height), file, base]);
    const pgm = readFileSync(`${base}.pgm`);
    const header = pgm.toString('latin1', 0, 40).match(/^P5\s+(\d+)\s+(\d+)\s+255\s/)!;
    const [w, h] = [Number(header[1]), Number(header[2])];
    const pixels = pgm.subarray(header[0].length);
    let longestDarkRun = 0;
    for (let row = 0; row < h; row++) {
      let runLength = 0;
      for (let col = 0; col < w; col++) {
        runLength = pixels[row * w + col] < 128 ? runLength + 1 : 0;
        longestDarkRun = Math.max(longestDarkRun, runLength);
      }
    }
    expect(longestDarkRun / (2 * em * scale)).toBeGreaterThan(0.97);
  });

  it('keeps the text of —— for copy and search', () => {
    expect(lines).toContain('天——');
  });

  it('compresses opening-bracket runs and ：「 as closing runs are', () => {
    const em = (word(COMPRESSION.reference).xMax - word(COMPRESSION.reference).xMin) / COMPRESSION.reference.length;
    const ems = (text: string) => (word(text).xMax - word(text).xMin) / em;
    // ： gives up the half em before 「; 」 before a Han character stays full-width.
    expect(ems(COMPRESSION.colonOpening)).toBeCloseTo(8.5, 1);
    // 「『: half an em taken between the openings, and 』」 half an em as before.
    expect(ems(COMPRESSION.openingRun)).toBeCloseTo(8, 1);
    expect(ems(COMPRESSION.parenthesisRun)).toBeCloseTo(7, 1);
  });
});
