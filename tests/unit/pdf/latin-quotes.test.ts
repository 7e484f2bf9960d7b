import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadCliFonts } from '../../../src/cli/fonts.ts';
import { buildBook } from '../../../src/pipeline/build.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';
import { a11ySource } from '../epub/a11y-book.ts';

const dir = mkdtempSync(join(tmpdir(), 'bindery-quotes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Each word pdftotext finds, with its width in points. */
function wordWidths(pdf: string): Map<string, number> {
  const html = execFileSync('pdftotext', ['-bbox', pdf, '-'], { encoding: 'utf8' });
  const widths = new Map<string, number>();
  for (const m of html.matchAll(/<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)<\/word>/g)) {
    widths.set(m[3].replace(/&amp;/g, '&'), Number(m[2]) - Number(m[1]));
  }
  return widths;
}

describeWithTools([TOOLS.poppler], 'Curly quotes in Latin text in the PDF', () => {
  let words: Map<string, number>;
  let raw: string;
  beforeAll(async () => {
    const fonts = await loadCliFonts();
    const markdown = "Words: cant can't wont won't end. Verify again.\n\nShe said, \"Verify first,\" then \"Publish.\"\n\n他說\"先查證\"再發布。\n";
    const built = await buildBook(a11ySource({ markdown }), { formats: ['pdf'], fonts: async () => fonts });
    const file = join(dir, 'quotes.pdf');
    writeFileSync(file, built.files[0].bytes);
    words = wordWidths(file);
    raw = execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' });
  });

  it('sets an apostrophe as narrow as a Latin font would, not a full em (no hole inside can’t)', () => {
    // Body text is set at about 10 pt: a full-width apostrophe would add about 10 pt, a proportional one under 3.5.
    expect(words.get('can’t')! - words.get('cant')!).toBeLessThan(3.5);
    expect(words.get('won’t')! - words.get('wont')!).toBeLessThan(3.5);
  });

  it('sets an opening double quote close to its word, and keeps the text as typed', () => {
    expect(words.get('“Verify')! - words.get('Verify')!).toBeLessThan(6.5);
    expect(raw).toContain('She said, “Verify first,” then “Publish.”');
  });

  it('keeps the full-width quotes of Chinese text', () => {
    expect(raw).toContain('他說“先查證”再發布。');
  });
});
