import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadCliFonts } from '../../../src/cli/fonts.ts';
import { buildBook } from '../../../src/pipeline/build.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';
import { a11ySource } from '../epub/a11y-book.ts';

const LINKED = '在試用過程中，我們發現[生成式影片工具能替代的工作](https://example.com/a)比你想像的窄，而團隊最常問到的五個問題都和授權、成本、交付時間以及素材來源有關，這些問題值得在導入前逐一釐清並寫進採購文件之中。';
const dir = mkdtempSync(join(tmpdir(), 'bindery-emphasis-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeWithTools([TOOLS.qpdf, TOOLS.poppler], 'Emphasis in Chinese text in the PDF (著重號)', () => {
  let content: string;
  let text: string;
  beforeAll(async () => {
    const fonts = await loadCliFonts();
    // The second paragraph is justified: its first line is drawn with character spacing (Tc), a link in the middle of it.
    const markdown = `這是*重點文字 Runway 與 2,500 元*。\n\n${LINKED}\n`;
    const built = await buildBook(a11ySource({ language: 'zh-Hant', markdown }), { formats: ['pdf'], fonts: async () => fonts });
    const file = join(dir, 'emphasis.pdf');
    writeFileSync(file, built.files[0].bytes);
    // Uncompressed content streams, to read the drawing operators.
    execFileSync('qpdf', ['--qdf', '--object-streams=disable', file, join(dir, 'qdf.pdf')]);
    content = readFileSync(join(dir, 'qdf.pdf'), 'latin1');
    text = execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' });
  });

  it('draws one dot under each emphasised Han character, and none under English, numbers or punctuation', () => {
    // Four-curve circles, one per dotted character: 重點文字與元.
    const dots = content.match(/ m (?:[-\d.]+ ){6}c (?:[-\d.]+ ){6}c (?:[-\d.]+ ){6}c (?:[-\d.]+ ){6}c h/g) ?? [];
    expect(dots).toHaveLength(6);
  });

  it('sets Han characters upright, and slants only the Latin words and numbers', () => {
    // Each slanted run's glyphs (4 hex digits each): together exactly " Runway " and " 2,500 ", no Han.
    const slanted = [...content.matchAll(/1 0 0\.2 1 [-\d.]+ [-\d.]+ Tm \[([^\]]*)\] TJ/g)].map((m) => m[1].replace(/[^0-9a-f]/g, '').length / 4);
    expect(slanted.reduce((a, b) => a + b, 0)).toBe(' Runway '.length + ' 2,500 '.length);
  });

  it('ends a link\'s underline and clickable area at its last character in a justified line, not in the spacing after it', () => {
    // The link's run: its position, glyphs and underline, with the size and character spacing in force before it.
    const link = /\/Link <<\/MCID \d+>> BDC\nBT [^\n]*?([-\d.]+) ([-\d.]+) Td \[<([0-9a-f]+)>\] TJ ET\n[^\n]* ([-\d.]+) [-\d.]+ l S/.exec(content)!;
    const before = content.slice(0, link.index);
    const spacing = Number([...before.matchAll(/([-\d.]+) Tc/g)].at(-1)![1]);
    const size = Number([...before.matchAll(/([-\d.]+) Tf/g)].at(-1)![1]);
    const glyphs = link[3].length / 4;
    expect(glyphs).toBe('生成式影片工具能替代的工作'.length);
    expect(spacing).toBeGreaterThan(0.1);
    // Full-width characters: each one em wide, the spacing between them.
    const lastCharacterEnds = Number(link[1]) + glyphs * size + (glyphs - 1) * spacing;
    expect(Number(link[4])).toBeCloseTo(lastCharacterEnds, 1);
    // The link's annotation: the one whose action (an object of its own, shared by the link's lines) opens its URI.
    const action = /(\d+) 0 obj\s*<<[^>]*?\/URI \(https:\/\/example\.com\/a\)/.exec(content)!;
    const rect = new RegExp(`/A ${action[1]} 0 R[\\s\\S]*?/Rect \\[\\s*([-\\d.]+)\\s+[-\\d.]+\\s+([-\\d.]+)`).exec(content)!;
    expect(Number(rect[2])).toBeCloseTo(lastCharacterEnds, 1);
  });

  it('keeps the text as written', () => {
    expect(text).toContain('這是重點文字 Runway 與 2,500 元。');
  });
});
