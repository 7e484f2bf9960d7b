import { describe, expect, it } from 'vitest';
import { rareCharacterWarnings } from '../../../src/document/glyph-coverage.ts';
import { inlineText, type Block, type Chapter, type DefinitionItem } from '../../../src/document/model.ts';
import { parseMarkdown, walkInlines } from '../../../src/document/parse.ts';

type DefinitionList = Extract<Block, { type: 'definitionList' }>;

function lists(markdown: string, startLine = 1): DefinitionList[] {
  return parseMarkdown(markdown, startLine).filter((b): b is DefinitionList => b.type === 'definitionList');
}

/** An item as a reader sees it: its terms, and each definition's blocks as `type: text`. */
function shown(item: DefinitionItem): { terms: string[]; definitions: string[][] } {
  const blockText = (b: Block): string => {
    if (b.type === 'paragraph' || b.type === 'heading') return `${b.type}: ${inlineText(b.children)}`;
    if (b.type === 'list') return `list: ${b.items.map((i) => i.children.map(blockText).join(' / ')).join(' | ')}`;
    if (b.type === 'code') return `code: ${b.value}`;
    return b.type;
  };
  return { terms: item.terms.map((t) => inlineText(t)), definitions: item.definitions.map((d) => d.map(blockText)) };
}

describe('definition lists (pandoc definition_lists, PHP Markdown Extra)', () => {
  it('reads a term and its `:` definition as a definition list', () => {
    const [dl] = lists('Apple\n:   Pomaceous fruit of the genus Malus.\n');
    expect(dl.items.map(shown)).toEqual([{ terms: ['Apple'], definitions: [['paragraph: Pomaceous fruit of the genus Malus.']] }]);
  });

  it('takes a blank line after the term, `~` markers, several definitions and several items', () => {
    const [dl, ...rest] = lists('Orange\n\n:   The fruit of an evergreen tree.\n\n~   A colour.\n\nApple\n~ Pomaceous fruit.\n');
    expect(rest).toEqual([]);
    expect(dl.items.map(shown)).toEqual([
      { terms: ['Orange'], definitions: [['paragraph: The fruit of an evergreen tree.'], ['paragraph: A colour.']] },
      { terms: ['Apple'], definitions: [['paragraph: Pomaceous fruit.']] },
    ]);
  });

  it('keeps lazy and indented lines in a definition, and takes paragraphs and a list indented four spaces or a tab', () => {
    const markdown = [
      'Term',
      ':   First paragraph',
      'continued lazily',
      '    and indented.',
      '',
      '    Second paragraph.',
      '',
      '\tThird, after a tab:',
      '',
      '    - one',
      '    - two',
      '',
      'After the list.',
    ].join('\n');
    const blocks = parseMarkdown(markdown);
    expect(blocks.map((b) => b.type)).toEqual(['definitionList', 'paragraph']);
    expect(shown((blocks[0] as DefinitionList).items[0]).definitions).toEqual([
      ['paragraph: First paragraph continued lazily and indented.', 'paragraph: Second paragraph.', 'paragraph: Third, after a tab:', 'list: paragraph: one | paragraph: two'],
    ]);
  });

  it('reads several term lines before the definitions as several terms (PHP Markdown Extra)', () => {
    const [dl] = lists('Term one\nTerm two\n:   Shared definition.\n');
    expect(shown(dl.items[0])).toEqual({ terms: ['Term one', 'Term two'], definitions: [['paragraph: Shared definition.']] });
  });

  it('reads a line right under a definition as its lazy continuation, not a new term (as pandoc does)', () => {
    const [dl] = lists('One\n: first\nTwo\n: second\n');
    expect(dl.items.map(shown)).toEqual([{ terms: ['One'], definitions: [['paragraph: first Two'], ['paragraph: second']] }]);
  });

  it('keeps emphasis, links and code in terms and definitions, and curls their quotes', () => {
    const [dl] = lists('*Soft* "break" `x`\n:   See [the guide](https://example.com/guide) for **why**.\n');
    const kinds: string[] = [];
    walkInlines([dl], (node) => kinds.push(node.type));
    expect(kinds).toEqual(expect.arrayContaining(['emphasis', 'code', 'link', 'strong']));
    expect(inlineText(dl.items[0].terms[0])).toBe('Soft “break” x');
  });

  it('reads zh-Hant terms and definitions, joining a wrapped definition with nothing between Han characters', () => {
    const [dl] = lists('避頭尾\n:   行首不可出現的標點，\n    例如句號與逗號。\n');
    expect(shown(dl.items[0])).toEqual({ terms: ['避頭尾'], definitions: [['paragraph: 行首不可出現的標點，例如句號與逗號。']] });
  });

  it.each([
    ['a full-width colon （：）', '術語\n：不是定義標記\n'],
    ['a `:` line under no term', ': not a definition\n'],
    ['a `:` line under a heading', '## Heading\n: not a definition\n'],
    ['a `:` line under a list', '- item\n\n: not a definition\n'],
    ['a colon with no space after it', 'Term\n:not a definition\n'],
    ['a `:` line two blank lines below the term', 'Term\n\n\n: not a definition\n'],
    ['a fenced `~~~` block', 'Term\n~~~\ncode\n~~~\n'],
  ])('leaves %s as it is, no definition list', (_label, markdown) => {
    expect(lists(markdown)).toEqual([]);
  });

  it('ends a definition at two blank lines: a `:` line after them is a paragraph', () => {
    const blocks = parseMarkdown('Term\n: definition\n\n\n: a paragraph\n');
    expect(blocks.map((b) => b.type)).toEqual(['definitionList', 'paragraph']);
  });

  it('reads a definition list inside a block quote and a list item', () => {
    const [quote] = parseMarkdown('> Term\n> : definition\n');
    expect(quote.type === 'quote' && quote.children.map((b) => b.type)).toEqual(['definitionList']);
    const [list] = parseMarkdown('- Term\n  : definition\n- next\n');
    expect(list.type === 'list' && list.items.map((i) => i.children.map((b) => b.type))).toEqual([['definitionList'], ['paragraph']]);
  });

  it('reads raw HTML <dl> into the same block: <dt>s as the terms of the <dd>s after them, <div> groups too, scripts dropped', () => {
    const html = '<dl>\n<dd>Before any term.</dd>\n<dt>One</dt><dt>Uno</dt><dd><p>First.</p><p>Second.</p></dd>\n<div><dt>Two<script>alert(1)</script></dt><dd>Deux.</dd></div>\n<dt>Three</dt>\n</dl>\n';
    const blocks = parseMarkdown(html);
    expect(blocks.map((b) => b.type)).toEqual(['paragraph', 'definitionList']);
    expect((blocks[1] as DefinitionList).items.map(shown)).toEqual([
      { terms: ['One', 'Uno'], definitions: [['paragraph: First.', 'paragraph: Second.']] },
      { terms: ['Two'], definitions: [['paragraph: Deux.']] },
      { terms: ['Three'], definitions: [[]] },
    ]);
  });

  it('gives the list, each item and each definition block its line in the file, so warnings name it', () => {
    const [dl] = lists('Intro.\n\nFirst\n:   one\n\n    two\n\nSecond\nThird 𠀀\n\n:   three\n', 10);
    expect(dl.line).toBe(12);
    expect(dl.items.map((i) => i.line)).toEqual([12, 17]);
    expect(dl.items.map((i) => i.definitions.map((d) => d.map((b) => b.line)))).toEqual([[[13, 15]], [[20]]]);
    const chapter = { file: 'a.md', blocks: [dl] } as Chapter;
    expect(rareCharacterWarnings(chapter)).toEqual([expect.objectContaining({ file: 'a.md', line: 18 })]);
  });
});
