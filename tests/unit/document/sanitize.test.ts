import { describe, expect, it } from 'vitest';
import { inlineText, type Block } from '../../../src/document/model.ts';
import { parseMarkdown, walkInlines } from '../../../src/document/parse.ts';
import { parseDocument } from 'htmlparser2';
import { htmlToInlines, safeHref } from '../../../src/document/sanitize.ts';

function allText(blocks: Block[]): string {
  let out = '';
  walkInlines(blocks, (n) => {
    if (n.type === 'text' || n.type === 'code') out += n.value;
  });
  return out;
}

describe('raw HTML in articles', () => {
  it('removes script, style, iframe, object, embed and form together with their content', () => {
    const blocks = parseMarkdown(
      [
        '<script>alert("pwned")</script>',
        '',
        'after script',
        '',
        '<style>body{display:none}</style>',
        '',
        '<iframe src="https://evil.example">fallback-iframe</iframe>',
        '',
        '<object data="x.swf">fallback-object</object><embed src="x.swf">',
        '',
        '<form action="https://evil.example"><input name=q>form-text</form>',
        '',
        'end',
      ].join('\n'),
    );
    const text = allText(blocks);
    expect(text).toContain('after script');
    expect(text).toContain('end');
    for (const gone of ['pwned', 'display:none', 'fallback-iframe', 'fallback-object', 'form-text']) expect(text).not.toContain(gone);
  });

  it('drops event handlers and javascript: links but keeps the text', () => {
    const blocks = parseMarkdown('<div onclick="steal()">safe text inside div</div>\n\nA <a href="javascript:alert(1)">click</a> and <a href=" JaVa\tScRiPt:alert(1)">two</a>.');
    const json = JSON.stringify(blocks);
    expect(json).not.toMatch(/onclick|steal|javascript/i);
    expect(allText(blocks)).toContain('safe text inside div');
    expect(allText(blocks)).toContain('click');
  });

  it('refuses data: and vbscript: URLs and keeps http, mailto, fragments and relative paths', () => {
    expect(safeHref('data:text/html;base64,PHNjcmlwdD4=')).toBeUndefined();
    expect(safeHref('vbscript:msgbox')).toBeUndefined();
    expect(safeHref('https://example.com/a?b=c')).toBe('https://example.com/a?b=c');
    expect(safeHref('mailto:desk@example.com')).toBe('mailto:desk@example.com');
    expect(safeHref('#top')).toBe('#top');
    expect(safeHref('02-workflow.md#a:b')).toBe('02-workflow.md#a:b');
  });

  it('drops HTML comments', () => {
    expect(JSON.stringify(parseMarkdown('before <!-- secret --> after\n\n<!-- block secret -->'))).not.toContain('secret');
  });

  it('keeps allowed inline HTML as typed spans', () => {
    const [p] = parseMarkdown('Press <kbd>Ctrl</kbd>, H<sub>2</sub>O, <mark>重點</mark>');
    expect(p.type).toBe('paragraph');
    const tags = p.type === 'paragraph' ? p.children.filter((n) => n.type === 'span').map((n) => n.type === 'span' && n.tag) : [];
    expect(tags).toEqual(['kbd', 'sub', 'mark']);
  });
});

describe('raw HTML left out', () => {
  it('warns at its line where an element holding text a reader would see is left out, and says nothing of script', () => {
    const warnings: string[] = [];
    const markdown = 'Intro.\n\nA formula <math><mi>x</mi></math> inline.\n\n<video src="a.mp4">Watch the interview</video>\n\n<script>x()</script>\n\n- item <button>Press</button>\n\n<svg><text>Chart</text></svg>\n';
    const blocks = parseMarkdown(markdown, 3, { file: 'a.md', warn: (w) => warnings.push(`${w.file}:${w.line}: ${w.message}`) });
    expect(JSON.stringify(blocks)).not.toMatch(/Watch the interview|Press|Chart/);
    expect(warnings).toEqual([
      'a.md:5: raw HTML <math> is left out with what it holds: only allow-listed HTML reaches the book',
      'a.md:7: raw HTML <video> is left out with what it holds: only allow-listed HTML reaches the book',
      'a.md:11: raw HTML <button> is left out with what it holds: only allow-listed HTML reaches the book',
      'a.md:13: raw HTML <svg> is left out with what it holds: only allow-listed HTML reaches the book (a drawing goes in an image file)',
    ]);
  });
});

describe('Markdown to document model', () => {
  it('reads nested lists, ordered starts, table alignment, code and quotes with their file lines', () => {
    const blocks = parseMarkdown('## 標題\n\n3. 三\n4. 四\n   - 巢狀\n\n| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n\n```py\nprint("嗨")\n```\n\n> 引言', 10);
    expect(blocks.map((b) => [b.type, b.line])).toEqual([
      ['heading', 10],
      ['list', 12],
      ['table', 16],
      ['code', 20],
      ['quote', 24],
    ]);
    const list = blocks[1];
    expect(list.type === 'list' && list.start).toBe(3);
    expect(list.type === 'list' && list.items[1].children[1].type).toBe('list');
    const table = blocks[2];
    expect(table.type === 'table' && table.align).toEqual(['left', 'center', 'right']);
    const code = blocks[3];
    expect(code.type === 'code' && [code.lang, code.value]).toEqual(['py', 'print("嗨")']);
  });

  it('keeps CJK text as real characters and hard breaks as breaks', () => {
    const [p] = parseMarkdown('第一行  \n第二行 &amp; 𠀀');
    expect(p.type === 'paragraph' && inlineText(p.children)).toBe('第一行\n第二行 & 𠀀');
  });

  it('starts article headings at level 2 because the chapter title is level 1', () => {
    const blocks = parseMarkdown('# 一\n\n## 二');
    expect(blocks.map((b) => b.type === 'heading' && b.level)).toEqual([2, 3]);
  });
});

describe('escaped text rendered by marked', () => {
  it('becomes the same text node the HTML parser gives, references decoded once', () => {
    const samples = [
      '供應商的服務條款會變動，採購前務必確認授權範圍。',
      'Tom &amp; Jerry &lt;3 &quot;quoted&quot; and it&#39;s &gt; 2',
      '&amp;lt; stays a reference written as text',
      'line one\nline two\r\n\ttabbed',
    ];
    for (const html of samples) {
      const parsed = parseDocument(html, { decodeEntities: true }).children.map((node) => (node as { data: string }).data).join('');
      expect(htmlToInlines(html, 1), html).toEqual([{ type: 'text', value: parsed }]);
    }
    expect(htmlToInlines('', 1)).toEqual([]);
  });

  it('leaves other references and any markup to the parser', () => {
    expect(htmlToInlines('&copy; 2025 &amp c', 1)).toEqual([{ type: 'text', value: '© 2025 & c' }]);
    expect(htmlToInlines('a &lt; <em>b</em>', 1)).toEqual([{ type: 'text', value: 'a < ' }, { type: 'emphasis', children: [{ type: 'text', value: 'b' }] }]);
  });
});
