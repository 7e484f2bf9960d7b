import { Lexer, type Token, type TokenizerExtension, type TokenizerThis, type Tokens } from 'marked';

/** One term of a definition list: a single source line of inline Markdown. */
export interface DefinitionTermToken {
  tokens: Token[];
  /** Lines from the start of the list to the term's line. */
  lineOffset: number;
}

/** One definition: its content with the marker and the continuation indent taken off, lexed as blocks. */
export interface DefinitionToken {
  /** The dedented content the block tokens were lexed from (their `raw`s are found in it). */
  text: string;
  tokens: Token[];
  lineOffset: number;
}

export interface DefinitionListToken extends Tokens.Generic {
  type: 'definitionList';
  raw: string;
  items: { terms: DefinitionTermToken[]; definitions: DefinitionToken[] }[];
}

/** `:` or `~`, up to three spaces in, then a space or tab (pandoc's defListMarker). A full-width `：` is text. */
const MARKER = /^ {0,3}[:~][ \t]+/;
/** What makes a line part of a definition rather than a lazy line: four spaces or a tab, taken off the content. */
const INDENT = /^(?: {4}|\t)/;
const BLANK = /^[ \t]*$/;

/**
 * A marked block extension for definition lists as pandoc
 * (`definition_lists`) and PHP Markdown Extra write them:
 *
 * ```markdown
 * Term
 * Another term for the same definitions
 *
 * :   Definition, with lazy or indented continuation lines.
 *
 *     A second paragraph, indented four spaces or a tab.
 * ~   Another definition.
 * ```
 *
 * One or more term lines (PHP Markdown Extra's several terms; each a line
 * that would otherwise be a paragraph), at most one blank line, then
 * definitions each starting with `:` or `~` and a space. A `:` line under no
 * term stays an ordinary paragraph. Items are separated by blank lines; a
 * line right under a definition is a lazy continuation of it, not a new term
 * (as in both tools).
 */
export const definitionListExtension: TokenizerExtension = {
  name: 'definitionList',
  level: 'block',
  tokenizer(this: TokenizerThis, src: string): DefinitionListToken | undefined {
    const lines = new Lines(src);
    const items: DefinitionListToken['items'] = [];
    let i = 0;
    let end = 0;
    for (;;) {
      // Blank lines between items belong to the list only when another item follows.
      let start = i;
      while (items.length && lines.blank(start)) start++;
      const parsed = readItem(this, lines, start);
      if (!parsed) break;
      items.push(parsed.item);
      i = end = parsed.next;
    }
    if (!items.length) return undefined;
    return { type: 'definitionList', raw: lines.upTo(end), items };
  },
};

function readItem(ctx: TokenizerThis, lines: Lines, start: number): { item: DefinitionListToken['items'][number]; next: number } | undefined {
  let i = start;
  while (lines.has(i) && !lines.blank(i) && !MARKER.test(lines.at(i)) && !INDENT.test(lines.at(i))) i++;
  if (i === start) return undefined;
  const terms = lines.slice(start, i);
  if (lines.blank(i)) i++;
  if (!lines.has(i) || !MARKER.test(lines.at(i)) || !isParagraph(ctx, terms.join('\n'))) return undefined;
  const definitions: DefinitionToken[] = [];
  for (;;) {
    const first = i;
    const content = [lines.at(i).replace(MARKER, '')];
    i++;
    const lazyOrIndented = () => {
      while (lines.has(i) && !lines.blank(i) && (INDENT.test(lines.at(i)) || !MARKER.test(lines.at(i)))) content.push(lines.at(i++).replace(INDENT, ''));
    };
    lazyOrIndented();
    // Further paragraphs: blank lines, then a line indented four spaces or a tab.
    for (;;) {
      let k = i;
      while (lines.blank(k)) k++;
      if (k === i || !lines.has(k) || !INDENT.test(lines.at(k))) break;
      for (; i < k; i++) content.push('');
      content.push(lines.at(i++).replace(INDENT, ''));
      lazyOrIndented();
    }
    definitions.push(lexDefinition(ctx, content.join('\n'), first));
    // The next definition of these terms: at most one blank line before its marker.
    const next = lines.blank(i) ? i + 1 : i;
    if (!lines.has(next) || !MARKER.test(lines.at(next))) break;
    i = next;
  }
  const termTokens = terms.map((line, n) => ({ tokens: ctx.lexer.inline(line.trim()), lineOffset: start + n }));
  return { item: { terms: termTokens, definitions }, next: i };
}

/** Whether term lines are a paragraph on their own: not a heading, list, quote, fence, table or HTML block. */
function isParagraph(ctx: TokenizerThis, text: string): boolean {
  // A lexer of its own options: a Lexer adopts the tokenizer of the options it is given, which would leave the
  // running lexer's tokenizer queueing inline work on this throw-away one.
  const blocks = new Lexer({ ...ctx.lexer.options, tokenizer: null, extensions: null }).blockTokens(text, []).filter((t) => t.type !== 'space');
  return blocks.length === 1 && blocks[0].type === 'paragraph';
}

function lexDefinition(ctx: TokenizerThis, text: string, lineOffset: number): DefinitionToken {
  // blockTokens leaves `top` set; a definition inside a list item must not change how the rest of the item is read.
  const top = ctx.lexer.state.top;
  ctx.lexer.state.top = true;
  const tokens = ctx.lexer.blockTokens(text, []);
  ctx.lexer.state.top = top;
  return { text, tokens, lineOffset };
}

/** The lines of the source from the lexer's position, split only as far as they are read (the tokenizer runs at every block start). */
class Lines {
  private readonly starts = [0];

  constructor(private readonly src: string) {}

  has(i: number): boolean {
    return this.reach(i) && this.starts[i] < this.src.length;
  }

  at(i: number): string {
    if (!this.has(i)) return '';
    const end = this.src.indexOf('\n', this.starts[i]);
    return this.src.slice(this.starts[i], end === -1 ? undefined : end);
  }

  blank(i: number): boolean {
    return this.has(i) && BLANK.test(this.at(i));
  }

  slice(from: number, to: number): string[] {
    return Array.from({ length: to - from }, (_, n) => this.at(from + n));
  }

  /** The source of lines before `i`, with their line ends. */
  upTo(i: number): string {
    return this.reach(i) ? this.src.slice(0, this.starts[i]) : this.src;
  }

  private reach(i: number): boolean {
    while (this.starts.length <= i) {
      const last = this.starts[this.starts.length - 1];
      const end = this.src.indexOf('\n', last);
      if (end === -1) {
        if (last < this.src.length) this.starts.push(this.src.length);
        return this.starts.length > i;
      }
      this.starts.push(end + 1);
    }
    return true;
  }
}
