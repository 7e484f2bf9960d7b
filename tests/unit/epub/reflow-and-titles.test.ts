import { beforeAll, describe, expect, it } from 'vitest';
import { epubcheck, EPUBCHECK_CLEAN } from '../../support/epubcheck.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';
import { buildEpub, unzipText, visibleText } from './epub-files.ts';
import { reflowSource } from './reflow-book.ts';

let bytes: Uint8Array;
let files: Map<string, string>;
beforeAll(async () => {
  bytes = await buildEpub(reflowSource());
  files = unzipText(bytes);
});

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe('EPUB: paragraphs wrapped in the source', () => {
  it('joins a zh-Hant paragraph wrapped mid-sentence with nothing between the Han characters at the wraps', () => {
    const body = files.get('EPUB/ch01.xhtml')!;
    const text = visibleText(body);
    expect(text).toContain('這是換行測試：一段在原始檔中每隔幾個字就換行的中文段落，排版時應由版面重新斷行，而不是照著原始檔的行印出來。');
    // No source newline survives inside a paragraph's markup either.
    for (const p of body.match(/<p>[\s\S]*?<\/p>/g)!) expect(p).not.toMatch(/\n/);
  });

  it('puts one space between wrapped English words and at Han–Latin wraps, as pandoc does', () => {
    const text = visibleText(files.get('EPUB/ch01.xhtml')!);
    expect(text).toContain('Soft breaks in English keep one space between words.');
    expect(text).toContain('我們使用 AI 工具整理素材，並且閱讀 the 工具說明。');
  });

  it('keeps <br>, two trailing spaces and a trailing backslash as <br/>', () => {
    expect(files.get('EPUB/ch01.xhtml')).toContain('<p>第一行<br/>第二行<br/>第三行<br/>第四行</p>');
  });
});

describe('EPUB: a first heading repeating the chapter title', () => {
  it('prints the chapter title once in the chapter', () => {
    const body = files.get('EPUB/ch01.xhtml')!;
    expect(count(visibleText(body), '工具地圖')).toBe(1);
    expect(body).toMatch(/<h1>工具地圖<\/h1>[\s\S]*<h2 id="[^"]+">第一節<\/h2>[\s\S]*<h3 id="[^"]+">小節<\/h3>/);
  });

  it('lists the chapter once in the nav and the NCX', () => {
    expect(count(files.get('EPUB/nav.xhtml')!, '工具地圖')).toBe(1);
    expect(count(files.get('EPUB/toc.ncx')!, '<text>工具地圖</text>')).toBe(1);
  });

  it('sets a heading the source put two levels down one level down, with no jump', () => {
    expect(files.get('EPUB/ch02.xhtml')).toMatch(/<h2 id="[^"]+">開始<\/h2>[\s\S]*<h3 id="[^"]+">跳過一級<\/h3>/);
  });

  it('is byte-identical when built twice', async () => {
    expect(Buffer.from(await buildEpub(reflowSource())).equals(Buffer.from(bytes))).toBe(true);
  });
});

describeWithTools([TOOLS.epubcheck], 'EPUBCheck on the reflow book', () => {
  it('passes with 0 errors and 0 warnings', async () => {
    const { summary, report } = await epubcheck(bytes, 'reflow');
    expect(summary, report).toBe(EPUBCHECK_CLEAN);
  });
});
