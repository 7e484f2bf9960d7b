import { isCjkWide } from '../language/index.ts';
import { textLeaves, type TextLeaf } from './inline-runs.ts';
import type { Inline, SpanTag } from './model.ts';

/**
 * Straight quotes typed on a keyboard become typographic ones, by
 * SmartyPants' rules: `"` opens after a space, an opening bracket or dash,
 * or the start of the text, and closes elsewhere; `'` inside or after a word
 * is an apostrophe (’), as is the one of a decade (’90s). Chinese has no
 * spaces to go by, so between CJK characters a quote opens unless one of its
 * kind is open. CJK quotation marks (「」『』) are never touched, nor is
 * anything in code (code spans and blocks, kbd, samp, var), whose quotes are
 * literal.
 */

const OPENING = { '"': '\u201c', "'": '\u2018' } as const;
const CLOSING = { '"': '\u201d', "'": '\u2019' } as const;
type Straight = keyof typeof OPENING;

/** After these a quote opens: brackets, dashes and other opening quotes. */
const OPENS_AFTER = new Set([...'([{<\u2014\u2013-/\u201c\u2018\u300c\u300e\uff08']);
/** Inline spans whose text is literal, like code. */
const LITERAL_SPANS: ReadonlySet<SpanTag> = new Set(['kbd', 'samp', 'var']);

/**
 * Curls the straight quotes of one run of inline nodes, in place; context
 * crosses node boundaries (`"*word*"` opens before the emphasis).
 *
 * @example curlQuotes([{ type: 'text', value: `"Don't," she said.` }]) // [{ type: 'text', value: '“Don’t,” she said.' }]
 */
export function curlQuotes(nodes: Inline[]): Inline[] {
  const leaves = textLeaves(nodes, LITERAL_SPANS);
  const open = { '"': 0, "'": 0 };
  let before: string | undefined;
  leaves.forEach((leaf, index) => {
    if (leaf === null) {
      before = undefined;
      return;
    }
    if ('atom' in leaf) {
      before = lastChar(leaf.atom) ?? before;
      return;
    }
    const value = leaf.text.value;
    if (!value.includes('"') && !value.includes("'")) {
      before = lastChar(value) ?? before;
      return;
    }
    const chars = [...value];
    chars.forEach((ch, i) => {
      if (ch === '"' || ch === "'") chars[i] = curl(ch, before, chars[i + 1] ?? nextChar(leaves, index), open);
      before = chars[i];
    });
    leaf.text.value = chars.join('');
  });
  return nodes;
}

/** The last character of `text`, whole when it is outside the BMP (CJK Extension B); undefined for empty text. */
function lastChar(text: string): string | undefined {
  if (!text) return undefined;
  const low = text.charCodeAt(text.length - 1);
  return low >= 0xdc00 && low <= 0xdfff && text.length > 1 ? text.slice(-2) : text.slice(-1);
}

/** Curls the quotes of plain text, such as a chapter title. */
export function curlQuotesInText(text: string): string {
  const node = { type: 'text' as const, value: text };
  curlQuotes([node]);
  return node.value;
}

function curl(quote: Straight, before: string | undefined, after: string | undefined, open: Record<Straight, number>): string {
  const word = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c) && !isCjk(c);
  let opening: boolean;
  if (quote === "'" && word(before)) opening = false; // don't, readers'
  else if (quote === "'" && after !== undefined && /\d/.test(after) && !open["'"]) opening = false; // ’90s
  else if (before === undefined || /\s/u.test(before) || OPENS_AFTER.has(before)) opening = after !== undefined && !/\s/u.test(after);
  else if (isCjk(before)) opening = after !== undefined && !/\s/u.test(after) && !open[quote];
  else opening = false;
  if (opening) open[quote]++;
  else if (open[quote]) open[quote]--;
  return opening ? OPENING[quote] : CLOSING[quote];
}

function isCjk(c: string): boolean {
  return isCjkWide(c.codePointAt(0)!);
}

/** The first character after leaf `index` in the run, across nodes; undefined at a hard break or the end. */
function nextChar(leaves: readonly TextLeaf[], index: number): string | undefined {
  for (let j = index + 1; j < leaves.length; j++) {
    const next = leaves[j];
    if (next === null) return undefined;
    const text = 'atom' in next ? next.atom : next.text.value;
    if (text) return String.fromCodePoint(text.codePointAt(0)!);
  }
  return undefined;
}
