import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fontkit from '@cantoo/fontkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildBook } from '../../../src/pipeline/build.ts';
import { DirectorySource } from '../../../src/cli/directory-source.ts';
import { loadCliFonts } from '../../../src/cli/fonts.ts';
import { walkBlocks } from '../../../src/document/parse.ts';
import type { BookDocument, Inline } from '../../../src/document/model.ts';
import type { Warning } from '../../../src/errors.ts';
import { pageGeometry } from '../../../src/pdf/geometry.ts';
import { describeWithTools, hasTool, TOOLS } from '../../support/tools.ts';
import { readPgm, type Gray } from '../../support/pgm.ts';

const BOOKS = ['books/ai-video-handbook', 'books/remote-newsroom-playbook', 'tests/fixtures/books/edge-cases'];
/** clreq line-start prohibitions, written out independently of the implementation. */
const PROHIBITED_AT_LINE_START = [...'。，、；：？！」』）》〉】…—・'];

interface Built {
  dir: string;
  file: string;
  document: BookDocument;
  pages: number;
  bytes: Uint8Array;
  warnings: Warning[];
}

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** Text of inline nodes split where images sit: figure captions are drawn between those pieces. */
function textSegments(nodes: readonly Inline[]): string[] {
  const segments = [''];
  const visit = (list: readonly Inline[]) => {
    for (const n of list) {
      if (n.type === 'text' || n.type === 'code') segments[segments.length - 1] += n.value;
      else if (n.type === 'image') segments.push('');
      else if ('children' in n) visit(n.children);
    }
  };
  visit(nodes);
  return segments;
}

describeWithTools([TOOLS.qpdf, TOOLS.poppler], 'PDF handbooks checked with qpdf and poppler', () => {
  const work = mkdtempSync(join(tmpdir(), 'bindery-pdf-'));
  const built = new Map<string, Built>();
  let hasGlyph: (c: string) => boolean;

  beforeAll(async () => {
    const fonts = await loadCliFonts();
    const faces = [fontkit.create(fonts.regular as never), fontkit.create(fonts.mono as never)] as unknown as { hasGlyphForCodePoint(cp: number): boolean }[];
    hasGlyph = (c) => faces.some((f) => f.hasGlyphForCodePoint(c.codePointAt(0)!));
    for (const dir of BOOKS) {
      const result = await buildBook(new DirectorySource(dir), { formats: ['pdf'], fonts: async () => fonts });
      const [pdf] = result.files;
      const file = join(work, `${result.document.meta.slug}.pdf`);
      writeFileSync(file, pdf.bytes);
      built.set(dir, { dir, file, document: result.document, pages: pdf.pages!, bytes: pdf.bytes, warnings: result.facts.warnings });
    }
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** The body text block of every page, as pdftotext sees it (running header and folio cropped away). */
  function bodyText(book: Built, mode: '-raw' | '-layout' | null = null): string {
    const g = pageGeometry(book.document.meta.page);
    const crop = ['-x', String(Math.floor(g.left - 20)), '-y', String(Math.floor(g.top - 2)), '-W', String(Math.ceil(g.width - g.left - g.right + 40)), '-H', String(Math.ceil(g.height - g.top - g.bottom + 4))];
    return run('pdftotext', [...(mode ? [mode] : []), ...crop, '-enc', 'UTF-8', book.file, '-']);
  }

  it.each(BOOKS)('%s passes qpdf --check', (dir) => {
    const out = run('qpdf', ['--check', built.get(dir)!.file]);
    expect(out).toContain('No syntax or stream encoding errors found');
    expect(out).not.toMatch(/WARNING/i);
  });

  it.each(BOOKS)('%s embeds every font as a subset', (dir) => {
    const rows = run('pdffonts', [built.get(dir)!.file]).trim().split('\n').slice(2);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) {
      const [emb, sub, uni] = row.trim().split(/\s+/).slice(-5, -2);
      expect({ row, emb, sub, uni }).toEqual({ row, emb: 'yes', sub: 'yes', uni: 'yes' });
    }
  });

  it.each(BOOKS)('%s keeps every paragraph’s text, in order', (dir) => {
    const book = built.get(dir)!;
    // Whitespace and hyphens are ignored (pdftotext joins a word hyphenated at a line end);
    // characters no font has are drawn as □ and cannot come back.
    const squash = (s: string) =>
      [...s.normalize('NFC').replace(/[\s-]+/g, '')].filter((c) => c !== '□' && hasGlyph(c)).join('');
    const text = squash(bodyText(book));
    let at = 0;
    for (const chapter of book.document.chapters) {
      walkBlocks(chapter.blocks, (block) => {
        if (block.type !== 'paragraph') return;
        for (const segment of textSegments(block.children).map(squash).filter(Boolean)) {
          const found = text.indexOf(segment, at);
          expect(found, `${chapter.file}:${block.line} "${segment.slice(0, 40)}" missing or out of order`).toBeGreaterThanOrEqual(0);
          at = found + segment.length;
        }
      });
    }
  });

  it.each(BOOKS)('%s starts no line with a prohibited punctuation mark', (dir) => {
    const offending = bodyText(built.get(dir)!, '-raw')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => PROHIBITED_AT_LINE_START.some((p) => line.startsWith(p)));
    expect(offending).toEqual([]);
  });

  it.each(BOOKS)('%s has an outline entry for every chapter', (dir) => {
    const book = built.get(dir)!;
    const json = JSON.parse(run('qpdf', ['--json', '--json-key=outlines', book.file])) as { outlines: OutlineNode[] };
    type OutlineNode = { title: string; kids: OutlineNode[] };
    const titles: string[] = [];
    const collect = (nodes: OutlineNode[]) => nodes.forEach((n) => (titles.push(n.title), collect(n.kids)));
    collect(json.outlines);
    for (const chapter of book.document.chapters) expect(titles).toContain(chapter.title);
    for (const part of book.document.parts) expect(titles).toContain(part.title);
  });

  it('sets justified Chinese lines flush to both margins, each run one string with character spacing rather than a number between every two glyphs', () => {
    const book = built.get('books/ai-video-handbook')!;
    const g = pageGeometry(book.document.meta.page);
    const right = g.width - g.right;
    const lineEnds = [...run('pdftotext', ['-bbox-layout', '-f', '4', '-l', String(book.pages), book.file, '-']).matchAll(/<line xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"/g)].map((m) => Number(m[1]));
    // A line that ends in compressed punctuation, or a paragraph's last line, stops short; none runs past the margin.
    for (const x of lineEnds) expect(x, `a line ends at ${x}, past the margin at ${right}`).toBeLessThan(right + 0.3);
    expect(lineEnds.filter((x) => Math.abs(x - right) < 0.3).length).toBeGreaterThan(40);
    const plain = join(work, 'plain-content.pdf');
    run('qpdf', ['--qdf', '--object-streams=disable', book.file, plain]);
    const content = readFileSync(plain, 'latin1');
    const spaced = content.match(/ Tc [^[]*\[<[0-9a-f]{40,}>\] TJ/g) ?? [];
    const numbered = content.match(/<[0-9a-f]{4}> -?[\d.]+ <[0-9a-f]{4}> -?[\d.]+ <[0-9a-f]{4}>/g) ?? [];
    expect(spaced.length).toBeGreaterThan(100);
    expect(numbered.length).toBeLessThan(spaced.length / 4);
  });

  it.each(BOOKS)('%s puts ink on every page', (dir) => {
    const book = built.get(dir)!;
    const prefix = join(work, `${book.document.meta.slug}-ink`);
    run('pdftoppm', ['-gray', '-r', '12', book.file, prefix]);
    const pages = readdirSync(work).filter((f) => f.startsWith(`${book.document.meta.slug}-ink`));
    expect(pages.length).toBe(book.pages);
    for (const page of pages) expect(darkPixels(readPgm(join(work, page))), page).toBeGreaterThan(0);
  });

  it('draws distinct, inked glyphs for Chinese text (no tofu boxes)', () => {
    const book = built.get('books/ai-video-handbook')!;
    // pdftotext boxes words; a run of Han characters is set one em per character, so its box splits evenly.
    // The first body page from page 4 with a dozen of them in runs of Han alone.
    const hanOf = (page: number) =>
      [...run('pdftotext', ['-bbox', '-f', String(page), '-l', String(page), book.file, '-']).matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(\p{Script=Han}+)<\/word>/gu)]
        .flatMap(([, x0, y0, x1, y1, text]) => {
          const chars = [...text];
          const em = (Number(x1) - Number(x0)) / chars.length;
          return chars.map((char, i) => [, String(Number(x0) + i * em), y0, String(Number(x0) + (i + 1) * em), y1, char] as const);
        })
        .slice(0, 12);
    const page = [4, 5, 6, 7, 8].find((p) => hanOf(p).length === 12)!;
    const words = hanOf(page);
    expect(words.length).toBe(12);
    const scale = 200 / 72;
    const prefix = join(work, 'glyphs');
    run('pdftoppm', ['-gray', '-r', '200', '-f', String(page), '-l', String(page), '-singlefile', book.file, prefix]);
    const image = readPgm(`${prefix}.pgm`);
    const bitmaps = new Map<string, string>();
    for (const [, x0, y0, x1, y1, char] of words) {
      const cell = crop(image, Number(x0) * scale, Number(y0) * scale, Number(x1) * scale, Number(y1) * scale);
      expect(darkPixels(cell), `glyph ${char} has ink`).toBeGreaterThan(20);
      bitmaps.set(char, Array.from(cell.pixels, (p) => (p < 128 ? '1' : '0')).join(''));
    }
    // Tofu (or a garbled subset) draws the same box for every character.
    const distinctChars = bitmaps.size;
    expect(new Set(bitmaps.values()).size).toBe(distinctChars);
  });

  it('is byte-identical when built twice', async () => {
    const fonts = await loadCliFonts();
    const again = await buildBook(new DirectorySource('books/ai-video-handbook'), { formats: ['pdf'], fonts: async () => fonts });
    expect(Buffer.compare(Buffer.from(again.files[0].bytes), Buffer.from(built.get('books/ai-video-handbook')!.bytes))).toBe(0);
  });

  it('records the book’s metadata and language', () => {
    const book = built.get('books/ai-video-handbook')!;
    const info = run('pdfinfo', ['-isodates', book.file]);
    expect(info).toMatch(/Title:\s+生成式影片工具實戰手冊/);
    expect(info).toMatch(/Author:\s+知識工坊編輯室/);
    expect(info).toMatch(/Creator:\s+Bindery/);
    expect(info).toMatch(/CreationDate:\s+2025-10-15T00:00:00/);
    expect(info).toMatch(/Keywords:\s+.*newsroom/);
    expect(readFileSync(book.file).toString('latin1')).toContain('/Lang (zh-Hant)');
  });

  it('warns with file and line for a glyph no font has, saying how to install the face that has it, without failing', () => {
    const edge = built.get('tests/fixtures/books/edge-cases')!;
    // Hanazono Mincho A has both; without fonts-hanazono they are boxes (tests/unit/pdf/hanazono.test.ts covers both cases).
    const warned = edge.warnings.filter((w) => /no font has a glyph/.test(w.message));
    if (hasTool(TOOLS.hanazono)) expect(warned).toEqual([]);
    else for (const char of ['𠀀', '𪚥']) expect(warned.some((w) => w.message.includes(`"${char}"`) && /apt-get install fonts-hanazono/.test(w.message) && w.file.endsWith('.md') && w.line), char).toBe(true);
  });

  it('keeps rare Han characters and emoji, drawn or as boxes, in the extracted text', () => {
    const text = run('pdftotext', ['-enc', 'UTF-8', built.get('tests/fixtures/books/edge-cases')!.file, '-']);
    for (const char of ['㐀', '𠀀', '𪚥', '𡘙', '😀', '🎬', '📚', '👩\u200d💻', '👍🏽']) expect(text, char).toContain(char);
  });

  it('draws SVG diagrams as vector graphics with their labels, not as placeholders', () => {
    for (const dir of ['books/ai-video-handbook', 'books/remote-newsroom-playbook']) {
      const book = built.get(dir)!;
      expect(book.warnings.filter((w) => /svg/i.test(w.message))).toEqual([]);
    }
    const zh = built.get('books/ai-video-handbook')!;
    const page = pageWith(zh, 'Brief / Prompt');
    const text = run('pdftotext', ['-f', String(page), '-l', String(page), '-enc', 'UTF-8', zh.file, '-']);
    expect(text).toContain('每一段都留下紀錄：誰、何時、用哪個模型');
    expect(text).toContain('退回重生成（標示原因）');
    expect(run('pdftotext', ['-enc', 'UTF-8', built.get('books/remote-newsroom-playbook')!.file, '-'])).toContain('Level 2 · Desk verifier');
    // The four stage labels inside the diagram render as four distinct, inked glyph pairs (no tofu).
    const labels = inkedBitmaps(zh, page, ['企劃', '生成', '查核', '發布'], 'svg-labels');
    expect(new Set(labels.values()).size).toBe(4);
  });

  /** The first page whose text contains `needle`. */
  function pageWith(book: Built, needle: string): number {
    for (let page = 1; page <= book.pages; page++) {
      if (run('pdftotext', ['-f', String(page), '-l', String(page), '-enc', 'UTF-8', book.file, '-']).includes(needle)) return page;
    }
    throw new Error(`no page contains ${needle}`);
  }

  /** Renders `page` and returns each word's bitmap, asserting every word has ink. */
  function inkedBitmaps(book: Built, page: number, wanted: readonly string[], name: string): Map<string, string> {
    const bbox = run('pdftotext', ['-bbox', '-f', String(page), '-l', String(page), book.file, '-']);
    const words = [...bbox.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)<\/word>/g)].filter((w) => wanted.includes(w[5]));
    const scale = 200 / 72;
    const prefix = join(work, name);
    run('pdftoppm', ['-gray', '-r', '200', '-f', String(page), '-l', String(page), '-singlefile', book.file, prefix]);
    const image = readPgm(`${prefix}.pgm`);
    const bitmaps = new Map<string, string>();
    for (const [, x0, y0, x1, y1, word] of words) {
      if (bitmaps.has(word)) continue;
      const cell = crop(image, Number(x0) * scale, Number(y0) * scale, Number(x1) * scale, Number(y1) * scale);
      const bitmap = inkAgainstBackground(cell);
      expect(bitmap.split('1').length - 1, `${word} has ink`).toBeGreaterThan(20);
      bitmaps.set(word, bitmap);
    }
    expect([...bitmaps.keys()].sort()).toEqual([...wanted].sort());
    return bitmaps;
  }
});

function darkPixels(image: Gray): number {
  let n = 0;
  for (const p of image.pixels) if (p < 160) n++;
  return n;
}

/** Pixels that differ from the cell's commonest grey: lettering on any ground, white on a coloured box included. */
function inkAgainstBackground(image: Gray): string {
  const counts = new Uint32Array(256);
  for (const p of image.pixels) counts[p]++;
  const ground = counts.indexOf(Math.max(...counts));
  return Array.from(image.pixels, (p) => (Math.abs(p - ground) > 64 ? '1' : '0')).join('');
}

function crop(image: Gray, x0: number, y0: number, x1: number, y1: number): Gray {
  const left = Math.floor(x0);
  const top = Math.floor(y0);
  const width = Math.ceil(x1) - left;
  const height = Math.ceil(y1) - top;
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) pixels.set(image.pixels.subarray((top + y) * image.width + left, (top + y) * image.width + left + width), y * width);
  return { width, height, pixels };
}
