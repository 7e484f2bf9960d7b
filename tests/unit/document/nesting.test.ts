import { Marked } from 'marked';
import { describe, expect, it, vi } from 'vitest';
import { parseMarkdown } from '../../../src/document/parse.ts';
import { BinderyError } from '../../../src/errors.ts';

const list = (depth: number) => Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}- level ${i + 1}`).join('\n');

function refusal(markdown: string): unknown {
  try {
    parseMarkdown(markdown, 5, { file: 'articles/deep.md' });
  } catch (error) {
    return error;
  }
  return null;
}

describe('nesting', () => {
  it('reads lists and quotes 100 deep', () => {
    expect(parseMarkdown(list(100))).toHaveLength(1);
    expect(parseMarkdown(`${'>'.repeat(100)} deep`)).toHaveLength(1);
  });

  it('refuses a list 101 deep, naming the file and the line of its 101st level', () => {
    const error = refusal(list(101));
    expect(error).toBeInstanceOf(BinderyError);
    expect((error as BinderyError).toJSON()).toMatchObject({ code: 'invalid-article', file: 'articles/deep.md', line: 5 + 100 });
    expect((error as BinderyError).message).toBe('quotes and lists nest 101 deep here; at most 100');
  });

  it('refuses quotes 4,000 deep with the same error, where marked overflowed the stack', () => {
    expect((refusal(`text\n\n${'>'.repeat(4000)} deep`) as BinderyError).toJSON()).toMatchObject({ line: 7, message: 'quotes and lists nest 4000 deep here; at most 100' });
  });

  it('counts list markers on one line, and quotes and lists together', () => {
    expect((refusal(`${'- '.repeat(101)}x`) as BinderyError).message).toMatch(/nest 101 deep/);
    expect((refusal(`${'> - '.repeat(51)}x`) as BinderyError).message).toMatch(/nest 102 deep/);
  });

  it('does not read fenced code, where markers are text', () => {
    const code = ['```', ...Array.from({ length: 5 }, () => `${'> '.repeat(150)}quoted`), '```', '', 'After.'].join('\n');
    expect(parseMarkdown(code).map((b) => b.type)).toEqual(['code', 'paragraph']);
  });

  it('reads raw HTML nested 100 deep', () => {
    const html = `<div>\n${'<span>'.repeat(98)}deep${'</span>'.repeat(98)}\n</div>`;
    expect(JSON.stringify(parseMarkdown(html))).toContain('deep');
  });

  it('refuses raw HTML nested 3,000 deep, naming the file and the line, where the sanitizer overflowed the stack', () => {
    const html = `Before.\n\n<div>\n<p>\n${'<b>'.repeat(3000)}x${'</b>'.repeat(3000)}</p>\n</div>\n`;
    const error = refusal(html);
    expect(error).toBeInstanceOf(BinderyError);
    expect((error as BinderyError).toJSON()).toMatchObject({ code: 'invalid-article', file: 'articles/deep.md', line: 5 + 4, message: 'HTML elements nest more than 100 deep here; at most 100' });
  });

  it('refuses HTML nested that deep inside a paragraph too', () => {
    expect((refusal(`Text ${'<i>'.repeat(150)}x${'</i>'.repeat(150)} end.`) as BinderyError).toJSON()).toMatchObject({ code: 'invalid-article', line: 5 });
  });

  it('reads emphasis and strikethrough nested 100 deep, and refuses 101 naming the paragraph, the same way every time', () => {
    const nested = (depth: number, open: (i: number) => string, close: (i: number) => string) =>
      `${Array.from({ length: depth }, (_, i) => open(i)).join('')}x${Array.from({ length: depth }, (_, i) => close(depth - 1 - i)).join('')}`;
    const emphasis = (depth: number) => nested(depth, (i) => (i % 2 ? '_a ' : '*a '), (i) => (i % 2 ? ' b_' : ' b*'));
    const struck = (depth: number) => nested(depth, (i) => (i % 2 ? '~~a ' : '**a '), (i) => (i % 2 ? ' b~~' : ' b**'));
    expect(JSON.stringify(parseMarkdown(emphasis(100)))).toContain('"a x b"');
    expect(JSON.stringify(parseMarkdown(struck(100)))).toContain('"a x b"');
    for (const paragraph of [emphasis(101), struck(101)]) {
      expect((refusal(`Fine.\n\n${paragraph}\n\nAfter.\n`) as BinderyError).toJSON()).toMatchObject({
        code: 'invalid-article',
        file: 'articles/deep.md',
        line: 5 + 2,
        message: 'emphasis nests more than 100 deep here; at most 100',
      });
    }
  });

  it('refuses emphasis opened 2,000 and 20,000 times before it closes in well under a second each (marked ran out of stack, or took 27 s)', () => {
    const words = (n: number) => `${Array.from({ length: n }, (_, i) => (i % 2 ? '_a' : '*a')).join(' ')} x ${Array.from({ length: n }, (_, i) => ((n - 1 - i) % 2 ? 'b_' : 'b*')).join(' ')}`;
    for (const paragraph of [words(2000), `${'**a '.repeat(2000)}x${' b**'.repeat(2000)}`, `${'**a '.repeat(20_000)}x${' b**'.repeat(20_000)}`]) {
      const error = refusal(`Fine.\n\nStill fine.\n\n${paragraph}\n\nAfter.\n`);
      expect((error as BinderyError).toJSON()).toMatchObject({ code: 'invalid-article', file: 'articles/deep.md', line: 5 + 4, message: 'emphasis nests more than 100 deep here; at most 100' });
    }
  });

  it('names the deepest paragraph even when, lexed alone, it fits the stack (V8 frames shrink once marked is optimised: CI saw the end of the file named)', () => {
    const whole = vi.spyOn(Marked.prototype, 'lexer');
    // The whole article runs out of stack, as it did cold in CI; each paragraph alone then reads.
    whole.mockImplementationOnce(() => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    try {
      const error = refusal(`Fine.\n\n*a _a *a _a x b_ b* b_ b*\n\n**Still** fine.\n\nAfter.\n`);
      expect((error as BinderyError).toJSON()).toMatchObject({ code: 'invalid-article', file: 'articles/deep.md', line: 5 + 2, message: 'emphasis or other inline markup nests too deep here to be read' });
    } finally {
      whole.mockRestore();
    }
  });
});
