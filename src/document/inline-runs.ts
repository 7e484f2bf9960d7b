import { inlineText, type Block, type Inline, type SpanTag } from './model.ts';

/**
 * Replaces every run of inline content in `blocks` — paragraphs, headings,
 * table cells and definition terms, nested in quotes, lists and definitions
 * too — with `transform(run)`, in place. The document-model passes that work
 * on running text (joining soft breaks, curling quotes) share it.
 */
export function mapInlineRuns(blocks: Block[], transform: (run: Inline[]) => Inline[]): void {
  for (const block of blocks) {
    switch (block.type) {
      case 'heading':
      case 'paragraph':
        block.children = transform(block.children);
        break;
      case 'table':
        block.header = block.header.map(transform);
        block.rows = block.rows.map((row) => row.map(transform));
        break;
      case 'quote':
        mapInlineRuns(block.children, transform);
        break;
      case 'list':
        for (const item of block.items) mapInlineRuns(item.children, transform);
        break;
      case 'definitionList':
        for (const item of block.items) {
          item.terms = item.terms.map(transform);
          for (const definition of item.definitions) mapInlineRuns(definition, transform);
        }
        break;
      default:
        break;
    }
  }
}

/** One leaf of a run's text in reading order: a text node (which a pass may rewrite), an opaque atom with the text it shows, or null for a hard break. */
export type TextLeaf = { text: { type: 'text'; value: string } } | { atom: string } | null;

/** Object replacement character: an image counts as neither a letter, CJK nor a space. */
const OBJECT = '\ufffc';

/**
 * The leaves of a run, so a pass can look at a character's neighbours across
 * node boundaries (`**粗**\n體`, `"*word*"`). Code spans, images and the
 * `literal` spans are atoms: their text is context, never rewritten.
 */
export function textLeaves(nodes: readonly Inline[], literal: ReadonlySet<SpanTag> = new Set(), out: TextLeaf[] = []): TextLeaf[] {
  for (const node of nodes) {
    switch (node.type) {
      case 'text':
        out.push({ text: node });
        break;
      case 'break':
        out.push(null);
        break;
      case 'code':
        out.push({ atom: node.value });
        break;
      case 'image':
        out.push({ atom: OBJECT });
        break;
      case 'span':
        if (literal.has(node.tag)) out.push({ atom: inlineText(node.children) });
        else textLeaves(node.children, literal, out);
        break;
      default:
        textLeaves(node.children, literal, out);
    }
  }
  return out;
}
