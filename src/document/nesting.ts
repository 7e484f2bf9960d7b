import { BinderyError } from '../errors.ts';

/**
 * Quotes and lists nested deeper than this are refused before marked reads
 * them, as markdown-it refuses them (its default maxNesting): marked lexes a
 * list again at every level (a list 800 deep took 6 s, one 4,000 deep over a
 * minute) and recurses once per quote (4,000 overflowed the stack). No book
 * nests a hundred deep; an article that does is told where.
 */
const MAX_NESTING = 100;

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
