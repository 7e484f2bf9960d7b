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
 * Issue 11, PDF item 1: a table row taller than a page is split across pages
 * (every cell continues at its column, the header repeats) and nothing runs
 * past the bottom margin over the folio.
 */
const tallLines = Array.from({ length: 60 }, (_, i) => `tall-${String(i + 1).padStart(2, '0')}`);
const urlSegments = Array.from({ length: 40 }, (_, i) => `seg${String(i + 1).padStart(2, '0')}`);

function source(): MemorySource {
  const chapter = `---
title: Tall rows
---

Before the table.

| Field | Value | Link |
|-------|-------|------|
| first | short | none |
| tall | ${tallLines.join('<br>')} | ${urlSegments.join('<br>')} |
| last | after | end |

After the table.
`;
  return new MemorySource(
    'tall-rows',
    new Map<string, Uint8Array | string>([
      ['book.yaml', 'title: Tall Rows\nlanguage: en\nauthors: [Tester]\ndate: 2025-01-15\npage: a5\nchapters:\n  - tall.md\n'],
      ['tall.md', chapter],
    ]),
  );
}

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
}

const MM = 72 / 25.4;
const A5_HEIGHT = 210 * MM;
const BOTTOM_MARGIN = 20 * MM;

interface Word {
  text: string;
  yMin: number;
  yMax: number;
}

describeWithTools([TOOLS.qpdf, TOOLS.poppler], 'PDF: table rows taller than a page split across pages', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bindery-tall-rows-'));
  const file = join(dir, 'tall.pdf');
  let bytes: Uint8Array;
  let pages: string[];
  let words: Word[][];
  const build = async () => {
    const fonts = await loadCliFonts();
    return (await buildBook(source(), { formats: ['pdf'], fonts: async () => fonts })).files[0].bytes;
  };

  beforeAll(async () => {
    bytes = await build();
    writeFileSync(file, bytes);
    pages = run('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-']).split('\f');
    const html = run('pdftotext', ['-bbox', '-enc', 'UTF-8', file, '-']);
    words = html
      .split('<page ')
      .slice(1)
      .map((page) =>
        [...page.matchAll(/<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({
          text: m[3],
          yMin: Number(m[1]),
          yMax: Number(m[2]),
        })),
      );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const tablePages = () => pages.map((p, i) => [p, i] as const).filter(([p]) => /tall-\d\d|seg\d\d/.test(p));

  it('prints every line of every cell, in order', () => {
    const text = pages.join('\n');
    for (const cell of [tallLines, urlSegments]) {
      let at = -1;
      for (const line of cell) {
        const next = text.indexOf(line, at + 1);
        expect(next, `${line} after offset ${at}`).toBeGreaterThan(at);
        at = next;
      }
    }
    for (const word of ['first', 'short', 'none', 'tall', 'last', 'after', 'end', 'Before the table.', 'After the table.']) expect(text).toContain(word);
  });

  it('continues the row on the next page and repeats the header there', () => {
    const spanned = tablePages();
    expect(spanned.length).toBeGreaterThanOrEqual(2);
    for (const [page] of spanned) {
      const lines = page.split('\n');
      expect(lines.some((l) => /Field\s*Value\s*Link/.test(l)) || (lines.includes('Field') && lines.includes('Value') && lines.includes('Link'))).toBe(true);
    }
    // Both tall cells continue on every page the row spans.
    for (const [page] of spanned.slice(0, -1)) {
      expect(page).toMatch(/tall-\d\d/);
      expect(page).toMatch(/seg\d\d/);
    }
  });

  it('draws nothing below the bottom margin but the folio, which extracts cleanly', () => {
    const limit = A5_HEIGHT - BOTTOM_MARGIN + 0.5;
    const folios = tablePages().map(([, index]) => {
      const below = words[index].filter((w) => w.yMax > limit);
      // Only the page number sits below the margin, as one word, inside the page.
      expect(below, `page ${index + 1}`).toHaveLength(1);
      expect(below[0].text).toMatch(/^\d+$/);
      expect(below[0].yMax).toBeLessThan(A5_HEIGHT);
      return Number(below[0].text);
    });
    folios.forEach((n, i) => expect(n).toBe(folios[0] + i));
    for (const page of words) for (const w of page) expect(w.yMin, w.text).toBeGreaterThanOrEqual(0);
  });

  it('passes qpdf --check', () => {
    expect(run('qpdf', ['--check', file])).toContain('No syntax or stream encoding errors');
  });

  it('is byte-identical when built twice', async () => {
    expect(Buffer.from(await build()).equals(Buffer.from(bytes))).toBe(true);
  });
});
