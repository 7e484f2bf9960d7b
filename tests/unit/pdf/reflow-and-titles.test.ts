import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadCliFonts } from '../../../src/cli/fonts.ts';
import { buildBook } from '../../../src/pipeline/build.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';
import { reflowSource } from '../epub/reflow-book.ts';

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
}

type OutlineNode = { title: string; kids: OutlineNode[] };

describeWithTools([TOOLS.qpdf, TOOLS.poppler], 'PDF: wrapped paragraphs reflow and chapter titles print once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bindery-reflow-pdf-'));
  const file = join(dir, 'reflow.pdf');
  let bytes: Uint8Array;
  let pages: string[];
  const build = async () => {
    const fonts = await loadCliFonts();
    return (await buildBook(reflowSource(), { formats: ['pdf'], fonts: async () => fonts })).files[0].bytes;
  };

  beforeAll(async () => {
    bytes = await build();
    writeFileSync(file, bytes);
    pages = run('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-']).split('\f');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const chapterPage = () => pages.find((p) => p.includes('這是換'))!;

  it('sets a zh-Hant paragraph wrapped in the source as one paragraph, line-broken by the layout', () => {
    const lines = chapterPage().split('\n');
    const first = lines.find((l) => l.startsWith('這是換'))!;
    // The source wraps after 這是換, 換, 段 and 斷行，: none of those wraps shows in the PDF.
    expect(first.startsWith('這是換行測試：一段在原始檔中每隔幾個字就換行的中文段落')).toBe(true);
    const paragraph = lines.slice(lines.indexOf(first), lines.indexOf('第一行')).join('');
    expect(paragraph).toBe('這是換行測試：一段在原始檔中每隔幾個字就換行的中文段落，排版時應由版面重新斷行，而不是照著原始檔的行印出來。我們使用 AI 工具整理素材，並且閱讀 the 工具說明。');
    // Eleven source lines fill as many lines as the text needs: three on an A5 page.
    expect(lines.indexOf('第一行') - lines.indexOf(first)).toBe(3);
  });

  it('keeps one space between wrapped English words', () => {
    expect(chapterPage()).toContain('Soft breaks in English keep one space between words.');
  });

  it('keeps hard breaks as line breaks', () => {
    const lines = chapterPage().split('\n');
    const at = lines.indexOf('第一行');
    expect(lines.slice(at, at + 4)).toEqual(['第一行', '第二行', '第三行', '第四行']);
  });

  it('prints the chapter title once on its opening page, the first heading repeating it dropped', () => {
    expect(chapterPage().split('工具地圖').length - 1).toBe(1);
  });

  it('lists the chapter once in the outline, with its headings under it and no jumps', () => {
    const { outlines } = JSON.parse(run('qpdf', ['--json', '--json-key=outlines', file])) as { outlines: OutlineNode[] };
    const titles = (nodes: OutlineNode[]): string[] => nodes.flatMap((n) => [n.title, ...titles(n.kids)]);
    expect(titles(outlines).filter((t) => t === '工具地圖')).toHaveLength(1);
    const tools = outlines.find((n) => n.title === '工具地圖')!;
    expect(tools.kids.map((k) => k.title)).toEqual(['第一節']);
    expect(tools.kids[0].kids.map((k) => k.title)).toEqual(['小節']);
    const skips = outlines.find((n) => n.title === '跳級的文章')!;
    expect(skips.kids.map((k) => [k.title, k.kids.map((g) => g.title)])).toEqual([['開始', ['跳過一級']]]);
  });

  it('is byte-identical when built twice', async () => {
    expect(Buffer.from(await build()).equals(Buffer.from(bytes))).toBe(true);
  });
});
