import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadCliFonts } from '../../../src/cli/fonts.ts';
import { buildBook } from '../../../src/pipeline/build.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';
import { a11ySource } from '../epub/a11y-book.ts';

const dir = mkdtempSync(join(tmpdir(), 'bindery-emphasis-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeWithTools([TOOLS.qpdf, TOOLS.poppler], 'Emphasis in Chinese text in the PDF (著重號)', () => {
  let content: string;
  let text: string;
  beforeAll(async () => {
    const fonts = await loadCliFonts();
    const markdown = '這是*重點文字 Runway 與 2,500 元*。\n';
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

  it('keeps the text as written', () => {
    expect(text).toContain('這是重點文字 Runway 與 2,500 元。');
  });
});
