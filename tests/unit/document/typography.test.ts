import { describe, expect, it } from 'vitest';
import { inlineText, type Block } from '../../../src/document/model.ts';
import { parseMarkdown } from '../../../src/document/parse.ts';
import { curlQuotesInText } from '../../../src/document/typography.ts';

/** The text of the first block, as a writer sees it. */
const textOf = (markdown: string) => {
  const block = parseMarkdown(markdown)[0] as Extract<Block, { children: unknown }>;
  return block.type === 'paragraph' || block.type === 'heading' ? inlineText(block.children) : '';
};

describe('Straight quotes become typographic quotes in the document model', () => {
  it.each([
    ['double quotes around a sentence', '"Check the source," she said.', '“Check the source,” she said.'],
    ['apostrophes inside and after words', "The editors' desk doesn't sleep.", 'The editors’ desk doesn’t sleep.'],
    ['nested single quotes', `"He wrote 'verify first' twice."`, '“He wrote ‘verify first’ twice.”'],
    ['a quote after an opening bracket', `(see "Sources")`, '(see “Sources”)'],
    ['a decade', "the '90s newsroom", 'the ’90s newsroom'],
    ['quotes around emphasis', '"*Always*" check', '“Always” check'],
    ['an apostrophe after a code span', "`git`'s log", 'git’s log'],
    ['a quote after a rare Han character (outside the BMP) in emphasis', '**𠀀**"好"', '𠀀“好”'],
    ['straight quotes in Chinese text', '他說"先查證"再發布，\'AI\' 也一樣', '他說“先查證”再發布，‘AI’ 也一樣'],
  ])('%s', (_label, markdown, expected) => {
    expect(textOf(markdown)).toBe(expected);
  });

  it('leaves CJK quotation marks as they are', () => {
    expect(textOf('他說「先查證『來源』」再發布')).toBe('他說「先查證『來源』」再發布');
  });

  it('leaves code spans, code blocks and keyboard input literal', () => {
    const [para, code] = parseMarkdown('Run `echo "hi"` or press <kbd>"</kbd> now.\n\n```\nconst s = "it\'s";\n```\n');
    expect(inlineText((para as Extract<Block, { type: 'paragraph' }>).children)).toBe('Run echo "hi" or press " now.');
    expect((code as Extract<Block, { type: 'code' }>).value).toBe('const s = "it\'s";');
  });

  it('curls headings, table cells and list items too', () => {
    const blocks = parseMarkdown('## "Fact" checks\n\n| a |\n|---|\n| "cell" |\n\n- "item"\n');
    expect(JSON.stringify(blocks)).not.toMatch(/\\"|'/);
    expect(JSON.stringify(blocks)).toContain('“cell”');
  });

  it('curls a chapter title given in front matter', () => {
    expect(curlQuotesInText(`The "Remote" Newsroom's Playbook`)).toBe('The “Remote” Newsroom’s Playbook');
  });
});
