import type { Block, BookDocument, Inline } from '../document/model.ts';
import { walkInlines } from '../document/parse.ts';

/**
 * The free sample of a book: its front matter plus the chapters the manifest
 * marks `sample: true`, or the first chapter when none is marked. Links into
 * chapters left out point nowhere, so they are turned into plain text.
 */
export function sampleDocument(doc: BookDocument): BookDocument {
  const marked = doc.chapters.filter((c) => c.sample);
  const chapters = marked.length ? marked : doc.chapters.slice(0, 1);
  const kept = new Set(chapters.map((c) => c.id));
  const parts = doc.parts
    .map((p) => ({ ...p, chapterIds: p.chapterIds.filter((id) => kept.has(id)) }))
    .filter((p) => p.chapterIds.length);
  const used = new Set<string>(doc.meta.cover ? [doc.meta.cover] : []);
  for (const chapter of chapters) walkInlines(chapter.blocks, (node) => node.type === 'image' && used.add(node.src));
  return {
    ...doc,
    chapters: chapters.map((c) => ({ ...c, blocks: withoutLinksOutside(c.blocks, kept) })),
    parts,
    assets: new Map([...doc.assets].filter(([path]) => used.has(path))),
  };
}

/** Copies of the blocks in which links to chapters not in `kept` are plain spans; the blocks given stay as they are. */
function withoutLinksOutside(blocks: readonly Block[], kept: ReadonlySet<string>): Block[] {
  const inlines = (nodes: readonly Inline[]): Inline[] =>
    nodes.map((node) => {
      if (!('children' in node)) return node;
      const children = inlines(node.children);
      return node.type === 'link' && node.target && !kept.has(node.target.chapterId) ? { type: 'span', tag: 'span', children } : { ...node, children };
    });
  return blocks.map((block): Block => {
    switch (block.type) {
      case 'heading':
      case 'paragraph':
        return { ...block, children: inlines(block.children) };
      case 'table':
        return { ...block, header: block.header.map(inlines), rows: block.rows.map((row) => row.map(inlines)) };
      case 'quote':
        return { ...block, children: withoutLinksOutside(block.children, kept) };
      case 'list':
        return { ...block, items: block.items.map((item) => ({ ...item, children: withoutLinksOutside(item.children, kept) })) };
      case 'definitionList':
        return {
          ...block,
          items: block.items.map((item) => ({ ...item, terms: item.terms.map(inlines), definitions: item.definitions.map((d) => withoutLinksOutside(d, kept)) })),
        };
      default:
        return block;
    }
  });
}
