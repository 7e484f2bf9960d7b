import { DomHandler, type Document, type DomHandlerOptions } from 'domhandler';
import { Parser, type ParserOptions } from 'htmlparser2';
import { Tokenizer } from 'marked';
import { BinderyError } from '../errors.ts';

/**
 * Quotes and lists nested deeper than this are refused before marked reads
 * them, as markdown-it refuses them (its default maxNesting): marked lexes a
 * list again at every level (a list 800 deep took 6 s, one 4,000 deep over a
 * minute) and recurses once per quote (4,000 overflowed the stack). No book
 * nests a hundred deep; an article that does is told where. HTML in an
 * article is held to the same depth (src/document/sanitize.ts).
 */
export const MAX_NESTING = 100;

const QUOTE_MARKER = /^ {0,3}> ?/;
const LIST_MARKER = /^( *)(?:[-*+]|\d{1,9}[.)])(?: +|$)/;
const FENCE = /^ *(`{3,}|~{3,})/;

/**
 * Refuses Markdown whose quotes and list items nest deeper than MAX_NESTING,
 * naming the first line that does. A line's depth is its quote markers, the
 * list markers it opens, and the list items still open above it (those whose
 * content its indentation reaches); fenced code is not read. An estimate of
 * CommonMark's nesting, close enough for a bound no real text comes near.
 */
export function refuseDeepNesting(markdown: string, startLine: number, file: string | undefined): void {
  /** Where the content of each open list item starts, innermost last. */
  const open: number[] = [];
  let fence = '';
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let rest = lines[i].replace(/^\t+/, (tabs) => '    '.repeat(tabs.length));
    let depth = 0;
    for (let quote = QUOTE_MARKER.exec(rest); quote; quote = QUOTE_MARKER.exec(rest)) {
      depth++;
      rest = rest.slice(quote[0].length);
    }
    if (fence) {
      const closing = FENCE.exec(rest);
      if (closing && closing[1][0] === fence[0] && closing[1].length >= fence.length) fence = '';
      continue;
    }
    if (!rest.trim()) continue;
    const indent = rest.length - rest.trimStart().length;
    while (open.length && open[open.length - 1] > indent) open.pop();
    // List items opened on this line, and quotes inside them (`- > - >`).
    let column = 0;
    for (;;) {
      const item = LIST_MARKER.exec(rest);
      const quote = item ? null : QUOTE_MARKER.exec(rest);
      const marker = item ?? quote;
      if (!marker) break;
      column += marker[0].length;
      rest = rest.slice(marker[0].length);
      if (item) open.push(column);
      else depth++;
    }
    depth += open.length;
    if (depth > MAX_NESTING) {
      throw new BinderyError('invalid-article', `quotes and lists nest ${depth} deep here; at most ${MAX_NESTING}`, { ...(file ? { file } : {}), line: startLine + i });
    }
    fence = FENCE.exec(rest)?.[1] ?? '';
  }
}

/** Raised inside marked's lexer where emphasis or strikethrough opens more than MAX_NESTING deep. */
export class InlineTooDeep extends Error {
  constructor() {
    super(`emphasis nests more than ${MAX_NESTING} deep`);
  }
}

/**
 * marked's tokenizer with emphasis and strikethrough held to MAX_NESTING.
 * marked reads each by finding its closer and lexing what lies between again,
 * so n levels cost n passes over the paragraph (2,000 levels: 0.65 s for
 * 16 KB; 100 levels of a 1 MB paragraph: 0.9 s), and a couple of thousand
 * overflow the stack at a depth that depends on how far V8 has optimised
 * marked. Counting the levels refuses the same text every time.
 */
export class NestingTokenizer extends Tokenizer {
  #depth = 0;

  override emStrong(...args: Parameters<Tokenizer['emStrong']>): ReturnType<Tokenizer['emStrong']> {
    return this.#nested(() => super.emStrong(...args));
  }

  override del(...args: Parameters<Tokenizer['del']>): ReturnType<Tokenizer['del']> {
    return this.#nested(() => super.del(...args));
  }

  /** Runs a tokenizer that may lex its content again, one level deeper. */
  #nested<T>(read: () => T): T {
    if (this.#depth > MAX_NESTING) throw new InlineTooDeep();
    this.#depth++;
    try {
      return read();
    } finally {
      this.#depth--;
    }
  }
}

/** Raised by `parseMarkup` at the first element that opens deeper than its limit, with that element's line (1 = the text's first). */
export class MarkupTooDeep extends Error {
  constructor(
    readonly limit: number,
    readonly line: number,
  ) {
    super(`elements nest more than ${limit} deep`);
  }
}

/**
 * htmlparser2's `parseDocument`, stopped at the first element nested deeper
 * than `limit`. The parser keeps its open elements in an array it unshifts,
 * so every element costs the depth it opens at: 400,000 nested SVG groups
 * (2.8 MB) took 46 s, and the tree that came out overflowed the stack of
 * whatever walked it. Stopped early, a parse stays linear in its input.
 */
export function parseMarkup(text: string, options: ParserOptions & DomHandlerOptions, limit: number): Document {
  const handler = new BoundedHandler(options, limit, text);
  new Parser(handler, options).end(text);
  return handler.root;
}

class BoundedHandler extends DomHandler {
  private depth = 0;
  /** The parser feeding this handler, for where the element being opened starts. */
  private position: { startIndex: number | null } | null = null;

  constructor(
    options: DomHandlerOptions,
    private readonly limit: number,
    private readonly text: string,
  ) {
    super(undefined, options);
  }

  override onparserinit(parser: Parameters<DomHandler['onparserinit']>[0]): void {
    this.position = parser;
    super.onparserinit(parser);
  }

  override onopentag(name: string, attribs: Record<string, string>): void {
    if (++this.depth > this.limit) throw new MarkupTooDeep(this.limit, lineAt(this.text, this.position?.startIndex ?? 0));
    super.onopentag(name, attribs);
  }

  override onclosetag(): void {
    this.depth--;
    super.onclosetag();
  }
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at !== -1 && at < index; at = text.indexOf('\n', at + 1)) line++;
  return line;
}
