import { softBreakJoiner } from '../language/index.ts';
import { textLeaves } from './inline-runs.ts';
import type { Inline } from './model.ts';

/**
 * Soft line breaks — a paragraph wrapped in the Markdown source — are joined
 * here, once, so no writer ever sees a source newline inside text: nothing
 * between two CJK characters, a space anywhere else (CommonMark, with CJK
 * handled as pandoc's `east_asian_line_breaks` and CSS Text 3 do; see
 * src/language/cjk.ts). Hard breaks (`<br>`, two trailing spaces, a
 * backslash at the line end) are `break` nodes and are left alone; a
 * source newline next to one, or at the start or end of a block, goes.
 */

/** A source line break with the spaces around it (trailing spaces of the line, indentation of the next). */
const SOFT_BREAK = /[ \t]*\r?\n[ \t]*/g;

/**
 * Joins the soft line breaks of one run of inline nodes. Neighbours are found
 * across node boundaries (`**粗**\n體` joins with nothing), as pandoc does
 * by comparing the stringified inlines on either side of a SoftBreak.
 *
 * @example joinSoftBreaks([{ type: 'text', value: '第一\n行 and\nmore' }]) // [{ type: 'text', value: '第一行 and more' }]
 */
export function joinSoftBreaks(nodes: Inline[]): Inline[] {
  const leaves = textLeaves(nodes);
  const source = leaves.map((leaf) => (leaf === null ? null : 'text' in leaf ? leaf.text.value : leaf.atom));
  leaves.forEach((leaf, i) => {
    if (leaf === null || !('text' in leaf)) return;
    const value = source[i]!;
    if (!value.includes('\n')) return;
    leaf.text.value = value.replace(SOFT_BREAK, (match: string, offset: number) => {
      const before = lastCodePoint(value.slice(0, offset)) ?? neighbour(source, i, -1);
      const after = firstCodePoint(value.slice(offset + match.length)) ?? neighbour(source, i, 1);
      // At a block's edge, beside a hard break, or beside whitespace of the next node: the break adds nothing.
      if (before === undefined || after === undefined || isSpace(before) || isSpace(after)) return '';
      return softBreakJoiner(before, after);
    });
  });
  return prune(nodes);
}

/** The nearest character in the leaves before (`step` −1) or after (+1) leaf `i`; undefined at a hard break or the block's edge. */
function neighbour(source: readonly (string | null)[], i: number, step: 1 | -1): number | undefined {
  for (let j = i + step; j >= 0 && j < source.length; j += step) {
    const text = source[j];
    if (text === null) return undefined;
    const cp = step < 0 ? lastCodePoint(text) : firstCodePoint(text);
    if (cp !== undefined) return cp;
  }
  return undefined;
}

function firstCodePoint(text: string): number | undefined {
  return text.codePointAt(0);
}

function lastCodePoint(text: string): number | undefined {
  if (!text) return undefined;
  const last = text.charCodeAt(text.length - 1);
  return last >= 0xdc00 && last <= 0xdfff && text.length > 1 ? text.codePointAt(text.length - 2) : last;
}

function isSpace(cp: number): boolean {
  return cp === 0x20 || cp === 0x09 || cp === 0x0a || cp === 0x0d;
}

/** Drops the text nodes the joining emptied. */
function prune(nodes: Inline[]): Inline[] {
  const out: Inline[] = [];
  for (const node of nodes) {
    if (node.type === 'text' && node.value === '') continue;
    if ('children' in node) node.children = prune(node.children);
    out.push(node);
  }
  return out;
}
