import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../../src/document/parse.ts';
import { inlineText, type Block, type Inline } from '../../../src/document/model.ts';

/** The text of the first paragraph, with hard breaks as `⏎`. */
function firstParagraph(markdown: string): string {
  const block = parseMarkdown(markdown).find((b) => b.type === 'paragraph') as Extract<Block, { type: 'paragraph' }>;
  return inlineText(block.children).replace(/\n/g, '⏎');
}

function breaks(nodes: readonly Inline[]): number {
  return nodes.reduce((n, node) => n + (node.type === 'break' ? 1 : 'children' in node ? breaks(node.children) : 0), 0);
}

describe('soft line breaks in the document model', () => {
  it('joins a zh-Hant paragraph wrapped mid-sentence with nothing between the Han characters', () => {
    expect(firstParagraph('這是一段在原始檔中換\n行的中文段落，讀者看\n到的應是一整段。')).toBe('這是一段在原始檔中換行的中文段落，讀者看到的應是一整段。');
  });

  it('joins CJK punctuation, kana and fullwidth forms on either side of the wrap with nothing', () => {
    expect(firstParagraph('他說：\n「好。」\nかな\nカナ\n（ＡＢ）\n完')).toBe('他說：「好。」かなカナ（ＡＢ）完');
  });

  it('keeps a single space where English wrapped text meets, whatever the indentation', () => {
    expect(firstParagraph('Soft breaks in English \n   keep one space\nbetween words.')).toBe('Soft breaks in English keep one space between words.');
  });

  it('puts a space at a Han–Latin wrap, as pandoc east_asian_line_breaks does (both sides must be CJK to join)', () => {
    expect(firstParagraph('我們使用\nAI 工具')).toBe('我們使用 AI 工具');
    expect(firstParagraph('Read the\n工具地圖 first')).toBe('Read the 工具地圖 first');
  });

  it('joins across inline markup: emphasis, links and code spans count by their text', () => {
    expect(firstParagraph('**粗體**\n接著 [連結](https://example.com)\n文字 `code`\n後面')).toBe('粗體接著 連結文字 code 後面');
  });

  it('treats 破折號 and 刪節號 next to Han as CJK, but not next to Latin', () => {
    expect(firstParagraph('他停了一下……\n然後說——\n好')).toBe('他停了一下……然後說——好');
    expect(firstParagraph('wait…\nthen')).toBe('wait… then');
  });

  it('keeps <br>, two trailing spaces and a trailing backslash as hard breaks, without an extra space', () => {
    expect(firstParagraph('第一行<br>\n第二行  \n第三行\\\n第四行\nsame line')).toBe('第一行⏎第二行⏎第三行⏎第四行 same line');
    const [p] = parseMarkdown('one  \ntwo\\\nthree<br>\nfour') as Extract<Block, { type: 'paragraph' }>[];
    expect(breaks(p.children)).toBe(3);
  });

  it('leaves no source newline in any text node: paragraphs, headings, list items, quotes, tables and raw HTML', () => {
    const blocks = parseMarkdown('Setext 標\n題\n===\n\n- 清單\n  項目\n\n> 引言\n> 內容\n\n<p>\n  HTML 段\n  落 and\n  more\n</p>\n');
    const texts: string[] = [];
    const visit = (nodes: readonly Inline[]) => nodes.forEach((n) => (n.type === 'text' ? texts.push(n.value) : 'children' in n && visit(n.children)));
    const walk = (list: readonly Block[]) =>
      list.forEach((b) => {
        if (b.type === 'heading' || b.type === 'paragraph') visit(b.children);
        if (b.type === 'quote') walk(b.children);
        if (b.type === 'list') b.items.forEach((i) => walk(i.children));
      });
    walk(blocks);
    expect(texts.join('|')).toBe('Setext 標題|清單項目|引言內容|HTML 段落 and more');
  });

  it('leaves code blocks untouched', () => {
    const [code] = parseMarkdown('```\n第一\n行\n```');
    expect(code).toMatchObject({ type: 'code', value: '第一\n行' });
  });
});
