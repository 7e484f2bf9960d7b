import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { loadCliFonts } from '../../../src/cli/fonts.ts';
import { MemorySource } from '../../../src/content/source.ts';
import { buildBook } from '../../../src/pipeline/build.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';

/** Odd but valid articles that a review's attack on the build found mishandled in the PDF. */
const dir = mkdtempSync(join(tmpdir(), 'bindery-odd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function pdfText(slug: string, chapter: string, warnings: string[] = []): Promise<string> {
  const files = new Map([
    ['book.yaml', `title: Odd\nlanguage: en\nauthors: [A]\ndate: 2024-01-01\nchapters:\n  - articles/01.md\n`],
    ['articles/01.md', chapter],
  ]);
  const fonts = await loadCliFonts();
  const { files: built, facts } = await buildBook(new MemorySource(slug, files), { formats: ['pdf'], fonts: async () => fonts });
  warnings.push(...facts.warnings.map((w) => w.message));
  const file = join(dir, `${slug}.pdf`);
  writeFileSync(file, built[0].bytes);
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 1 << 26 });
}

describeWithTools([TOOLS.poppler], 'odd but valid articles in the PDF', () => {
  it('sets a tab between words as a space (it was dropped: "Firstsecond", "中文測試")', async () => {
    const text = await pdfText('tabs', `---\ntitle: Tabs\n---\n\nFirst\tsecond word and third\t\tfourth.\n\n中文\t測試\n`);
    expect(text).toMatch(/First second word and third +fourth\./);
    expect(text).toMatch(/中文 測試/);
  });

  it('never ends a line at a no-break space (U+00A0 was set as a breakable one: 8 lines began with "kg")', async () => {
    const sentences = Array.from({ length: 300 }, (_, i) => `Item ${i} weighs ${(i * 37) % 1000}\u00a0kg, or so.`);
    const text = await pdfText('no-break', `---\ntitle: Ties\n---\n\n${sentences.join(' ')}\n`);
    const lines = text.split('\n').filter((line) => line.trim());
    expect(lines.filter((line) => line.includes('weighs')).length).toBeGreaterThan(50);
    expect(lines.filter((line) => /^kg/.test(line))).toEqual([]);
  });

  it('sets thin and narrow no-break spaces as spaces, not as boxes with a warning', async () => {
    const warnings: string[] = [];
    const text = await pdfText('thin', `---\ntitle: Thin\n---\n\nUne phrase\u202F; et 3\u2009000 mots.\n`, warnings);
    expect(warnings.filter((w) => /U\+(2009|202F)/.test(w))).toEqual([]);
    expect(text.replace(/\s+/g, ' ')).toContain('Une phrase ; et 3 000 mots.');
  });

  it('sets a code listing of 130,000 lines in full (over ~125,000 line boxes overflowed a spread call)', async () => {
    const text = await pdfText('listing', `---\ntitle: Listing\n---\n\n\`\`\`\n${'x\n'.repeat(130_000)}\`\`\`\n`);
    expect(text.match(/^x$/gm)?.length).toBe(130_000);
  }, 120_000);

  it('cuts a chapter title of 5,000 words in the running head to what fits, with an ellipsis (it took 70 s: measured again per character dropped, per page)', async () => {
    const title = Array.from({ length: 5000 }, () => 'Word').join(' ');
    const text = await pdfText('title', `---\ntitle: "${title}"\n---\n\n${'More text. '.repeat(2000)}\n`);
    // The running head of every page after the chapter's first: the title cut where the room ends, an ellipsis in place of the rest.
    const heads = text.split('\n').filter((line) => line.endsWith('…'));
    expect(heads.length).toBeGreaterThan(3);
    for (const head of heads) expect(head).toMatch(/^(Word ){10,}W?o?r?d?…$/);
    // A guard against the old cost, not a measurement: this book took 30 s to build, and takes about 1 s.
  }, 15_000);
});
