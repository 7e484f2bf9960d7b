import type { Block, Inline } from './model.ts';

/**
 * Replaces every run of inline content in `blocks` — paragraphs, headings and
 * table cells, nested in quotes and lists too — with `transform(run)`, in
 * place. The document-model passes that work on running text (joining soft
 * breaks, curling quotes) share it.
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
      default:
        break;
    }
  }
}
