import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadCliFonts } from '../../../src/cli/fonts.ts';
import { MemorySource } from '../../../src/content/source.ts';
import { buildBook } from '../../../src/pipeline/build.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';

/**
 * Issue 11, PDF item 4: widows and orphans. A chapter of paragraphs, `<br>`
 * line groups, code blocks and headings of many lengths, so that page breaks
 * fall at every position inside them. Every printed line starts with the id of
 * the block it belongs to (p = paragraph, q = a one-line paragraph after a
 * heading, b = `<br>` lines, c = code, h = heading), so the extracted text tells which block each line of a page is in.
 */
const PARAGRAPH_LINES = [3, 1, 5, 2, 4, 7, 3, 6, 2, 5];
const CODE_LINES = [3, 5, 2, 8, 4, 6];
const BR_LINES = [3, 4, 2, 5];

function chapter(): string {
  const blocks: string[] = [];
  let code = 0;
  let br = 0;
  let paragraph = 0;
  for (let n = 1; n <= 100; n++) {
    const id = String(n).padStart(3, '0');
    if (n % 9 === 0) blocks.push(`## h${id} Section heading`, `q${id} a one-line paragraph under it.`);
    else if (n % 6 === 0) {
      const lines = CODE_LINES[code++ % CODE_LINES.length];
      const body = Array.from({ length: lines }, (_, i) => `c${id} ${i === 0 ? '{' : i === lines - 1 ? '}' : `  "key${i}": ${i},`}`);
      blocks.push(['```', ...body, '```'].join('\n'));
    } else if (n % 7 === 0) {
      blocks.push(Array.from({ length: BR_LINES[br++ % BR_LINES.length] }, (_, i) => `b${id} line ${i + 1}`).join('<br>\n'));
    } else {
      // About nine words to an A5 line; the last line of each paragraph is shorter.
      blocks.push(Array.from({ length: PARAGRAPH_LINES[paragraph++ % PARAGRAPH_LINES.length] * 9 - 2 }, () => `p${id}`).join(' '));
    }
  }
  return `---\ntitle: Keeping lines together\n---\n\n${blocks.join('\n\n')}\n`;
}

function source(): MemorySource {
  return new MemorySource(
    'widows',
    new Map<string, Uint8Array | string>([
      ['book.yaml', 'title: Widows Book\nlanguage: en\nauthors: [Tester]\ndate: 2025-01-15\npage: a5\nchapters:\n  - widows.md\n'],
      ['widows.md', chapter()],
    ]),
  );
}

/** The block id opening each printed body line, page by page (running header and folio left out). */
function bodyLines(text: string): string[][] {
  return text.split('\f').map((page) =>
    page
      .split('\n')
      .map((line) => /^\s*([pbchq]\d{3})\b/.exec(line)?.[1])
      .filter((id): id is string => id !== undefined),
  );
}

describeWithTools([TOOLS.poppler], 'PDF: widows, orphans and headings kept with their text', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bindery-widows-'));
  let pages: string[][];

  beforeAll(async () => {
    const fonts = await loadCliFonts();
    const file = join(dir, 'widows.pdf');
    writeFileSync(file, (await buildBook(source(), { formats: ['pdf'], fonts: async () => fonts })).files[0].bytes);
    pages = bodyLines(execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' })).filter((p) => p.length);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const count = (lines: string[], id: string) => lines.filter((l) => l === id).length;

  it('breaks pages inside paragraphs, line groups and code blocks, and never leaves one of their lines alone', () => {
    const alone: string[] = [];
    let splits = 0;
    for (let i = 0; i + 1 < pages.length; i++) {
      const id = pages[i].at(-1)!;
      if (pages[i + 1][0] !== id) continue;
      splits++;
      if (count(pages[i], id) < 2) alone.push(`${id}: one line at the foot of page ${i + 1}`);
      if (count(pages[i + 1], id) < 2) alone.push(`${id}: one line at the top of page ${i + 2}`);
    }
    expect(pages.length).toBeGreaterThan(5);
    expect(splits).toBeGreaterThan(2);
    expect(alone).toEqual([]);
  });

  it('keeps every heading with two lines of what follows it', () => {
    const stranded: string[] = [];
    pages.forEach((lines, i) => {
      lines.forEach((id, j) => {
        if (id.startsWith('h') && i + 1 < pages.length && j + 2 >= lines.length) stranded.push(`${id} on page ${i + 1} with ${lines.length - j - 1} line(s) after it`);
      });
    });
    expect(stranded).toEqual([]);
  });
});
