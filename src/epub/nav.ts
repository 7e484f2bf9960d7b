import type { BookDocument } from '../document/model.ts';
import type { Language } from '../language/index.ts';
import { chapterHref, type EpubLayout } from './layout.ts';
import { xhtmlPage } from './pages.ts';
import { attrs, text, XML_DECLARATION } from '../xml.ts';
import { languageText } from './language-text.ts';

export const NAV_HREF = 'nav.xhtml';
export const COVER_HREF = 'cover.xhtml';

/** One entry of the table of contents: parts hold chapters, chapters hold their level-2 and level-3 headings. */
export interface TocNode {
  title: string;
  href: string;
  children: TocNode[];
}

export function tocTree(doc: BookDocument, layout: EpubLayout, headingIds: Map<string, Map<string, string>>): TocNode[] {
  const partOf = new Map(layout.parts.flatMap((p) => p.chapterIds.map((id) => [id, p] as const)));
  const partNodes = new Map<string, TocNode>();
  const top: TocNode[] = [];
  for (const chapter of doc.chapters) {
    const href = chapterHref(chapter.id);
    const node: TocNode = { title: chapter.title, href, children: [] };
    let parent: TocNode | undefined;
    for (const h of chapter.headings) {
      const id = headingIds.get(chapter.id)?.get(h.id);
      const child: TocNode = { title: h.text.trim() || chapter.title, href: id ? `${href}#${id}` : href, children: [] };
      if (h.level <= 2 || !parent) {
        node.children.push(child);
        parent = h.level <= 2 ? child : parent;
      } else parent.children.push(child);
    }
    const part = partOf.get(chapter.id);
    if (!part) {
      top.push(node);
      continue;
    }
    let partNode = partNodes.get(part.id);
    if (!partNode) {
      partNode = { title: part.title, href: part.href, children: [] };
      partNodes.set(part.id, partNode);
      top.push(partNode);
    }
    partNode.children.push(node);
  }
  return top;
}

/** The EPUB 3 navigation document: the table of contents and the landmarks reading systems jump to. */
export function navDocument(doc: BookDocument, toc: TocNode[], language: Language, bodyStart: string): string {
  const words = language.words.book;
  const list = (nodes: TocNode[]): string =>
    nodes.length ? `<ol>\n${nodes.map((n) => `<li><a${attrs({ href: n.href })}>${languageText(n.title, language)}</a>${list(n.children)}</li>\n`).join('')}</ol>` : '';
  const landmarks = [
    ['cover', COVER_HREF, words.cover],
    ['toc', `${NAV_HREF}#toc`, words.contents],
    ['bodymatter', bodyStart, words.start],
  ]
    .map(([type, href, label]) => `<li><a${attrs({ 'epub:type': type, href })}>${languageText(label, language)}</a></li>\n`)
    .join('');
  // The landmarks nav and its links take no role: DPUB-ARIA has none for landmarks, cover or bodymatter links, and <a> allows no doc-* role.
  const body =
    `<nav epub:type="toc" role="doc-toc" id="toc">\n<h1>${languageText(words.contents, language)}</h1>\n${list(toc)}\n</nav>\n` +
    `<nav epub:type="landmarks" id="landmarks" hidden="hidden">\n<h2>${text(words.landmarks)}</h2>\n<ol>\n${landmarks}</ol>\n</nav>\n`;
  return xhtmlPage({ lang: doc.meta.language, title: words.contents, bodyType: 'frontmatter', body });
}

/** The EPUB 2 table of contents, for reading systems that predate the navigation document. */
export function ncxDocument(doc: BookDocument, toc: TocNode[]): string {
  let order = 0;
  let depth = 0;
  const points = (nodes: TocNode[], level: number): string =>
    nodes
      .map((n) => {
        order += 1;
        depth = Math.max(depth, level);
        return (
          `<navPoint id="np${order}" playOrder="${order}">` +
          `<navLabel><text>${text(n.title)}</text></navLabel><content${attrs({ src: n.href })}/>\n` +
          `${points(n.children, level + 1)}</navPoint>\n`
        );
      })
      .join('');
  const navMap = points(toc, 1);
  return (
    XML_DECLARATION +
    `<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"${attrs({ 'xml:lang': doc.meta.language })}>\n` +
    '<head>\n' +
    `<meta name="dtb:uid"${attrs({ content: doc.meta.identifier })}/>\n` +
    `<meta name="dtb:depth" content="${Math.max(depth, 1)}"/>\n` +
    '<meta name="dtb:totalPageCount" content="0"/>\n<meta name="dtb:maxPageNumber" content="0"/>\n' +
    '</head>\n' +
    `<docTitle><text>${text(doc.meta.title)}</text></docTitle>\n` +
    doc.meta.authors.map((a) => `<docAuthor><text>${text(a)}</text></docAuthor>\n`).join('') +
    `<navMap>\n${navMap}</navMap>\n</ncx>\n`
  );
}
