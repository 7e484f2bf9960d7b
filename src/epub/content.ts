import type { Align, Block, Chapter, Inline, ListItem } from '../document/model.ts';
import { inlineText } from '../document/model.ts';
import { firstColumnHeadsRows, hasUsefulAlt } from '../document/accessibility.ts';
import { externalUrl } from '../document/urls.ts';
import type { Language } from '../language/index.ts';
import { languageText } from './language-text.ts';
import { chapterHref, type EpubAsset } from './layout.ts';
import { attr, attrs, text } from '../xml.ts';

/** What rendering one chapter's blocks needs to know about the rest of the book. */
export interface ContentContext {
  chapter: Chapter;
  /** The chapter's language: words in another one are tagged with theirs. */
  language: Language;
  /** Chapter id → (model heading id → EPUB id), for this chapter and link targets. */
  headingIds: Map<string, Map<string, string>>;
  assets: Map<string, EpubAsset>;
  warn: (line: number, message: string) => void;
  /** Inside emphasis: CJK emphasis dots skip numbers (see languageText). */
  emphasised?: boolean;
}

/** Renders document blocks as XHTML (polyglot HTML5: every element closed, attributes quoted). */
export function renderBlocks(blocks: readonly Block[], ctx: ContentContext): string {
  return blocks.map((b) => renderBlock(b, ctx)).join('');
}

function renderBlock(block: Block, ctx: ContentContext): string {
  switch (block.type) {
    case 'heading': {
      const id = ctx.headingIds.get(ctx.chapter.id)?.get(block.id);
      return `<h${block.level}${attrs({ id })}>${renderInlines(block.children, ctx, block.line)}</h${block.level}>\n`;
    }
    case 'paragraph': {
      const image = soleImage(block.children);
      if (image) return renderFigure(image, ctx, block.line);
      const inner = renderInlines(block.children, ctx, block.line);
      // A paragraph whose only content was sanitised away leaves no empty box behind.
      return inner.trim() ? `<p>${inner}</p>\n` : '';
    }
    case 'list':
      return renderList(block, ctx);
    case 'table':
      return renderTable(block, ctx);
    case 'code': {
      const lang = block.lang?.replace(/[^A-Za-z0-9_+-]/g, '');
      // One block per source line, its newline inside it: a line too long for the page wraps with a hanging indent
      // (style.ts), so a reader sees where the wrap is, and copied code keeps its line breaks.
      const lines = block.value.split('\n').map((l, i, all) => `<span class="line">${text(l)}${i < all.length - 1 ? '\n' : ''}</span>`);
      return `<pre><code${attrs({ class: lang ? `language-${lang}` : undefined })}>${lines.join('')}</code></pre>\n`;
    }
    case 'quote':
      return `<blockquote>\n${renderBlocks(block.children, ctx)}</blockquote>\n`;
    case 'definitionList':
      return renderDefinitionList(block, ctx);
    case 'thematicBreak':
      return '<hr/>\n';
  }
}

function renderList(block: Extract<Block, { type: 'list' }>, ctx: ContentContext): string {
  const tag = block.ordered ? 'ol' : 'ul';
  const start = block.ordered && block.start !== 1 ? block.start : undefined;
  const tasks = block.items.some((i) => i.checked !== null);
  const items = block.items.map((item) => renderItem(item, ctx)).join('');
  return `<${tag}${attrs({ class: tasks ? 'tasks' : undefined, start })}>\n${items}</${tag}>\n`;
}

function renderItem(item: ListItem, ctx: ContentContext): string {
  if (item.checked === null) return `<li>${renderBlocks(item.children, ctx)}</li>\n`;
  // Checkboxes become text: a reading system has no form to submit them to.
  const box = `<span class="checkbox">${item.checked ? '☑' : '☐'}</span> `;
  const [first, ...rest] = item.children;
  const head = first?.type === 'paragraph' && !soleImage(first.children) ? `<p>${box}${renderInlines(first.children, ctx, first.line)}</p>\n` : `${box}${first ? renderBlock(first, ctx) : ''}`;
  return `<li class="task">${head}${renderBlocks(rest, ctx)}</li>\n`;
}

function renderDefinitionList(block: Extract<Block, { type: 'definitionList' }>, ctx: ContentContext): string {
  const items = block.items.map((item) => {
    const terms = item.terms.map((term, i) => `<dt>${renderInlines(term, ctx, item.line + i)}</dt>\n`).join('');
    return `${terms}${item.definitions.map((d) => `<dd>${renderBlocks(d, ctx)}</dd>\n`).join('')}`;
  });
  return `<dl>\n${items.join('')}</dl>\n`;
}

const ALIGN_CLASS: Record<Exclude<Align, null>, string> = { left: 'align-left', center: 'align-center', right: 'align-right' };

function renderTable(block: Extract<Block, { type: 'table' }>, ctx: ContentContext): string {
  const rowHeaders = firstColumnHeadsRows(block);
  const cell = (tag: 'th' | 'td', scope: 'col' | 'row' | undefined, content: Inline[], i: number) => {
    const align = block.align[i];
    return `<${tag}${attrs({ scope, class: align ? ALIGN_CLASS[align] : undefined })}>${renderInlines(content, ctx, block.line)}</${tag}>`;
  };
  const head = block.header.length ? `<thead><tr>${block.header.map((c, i) => cell('th', 'col', c, i)).join('')}</tr></thead>\n` : '';
  const bodyCell = (c: Inline[], i: number) => (i === 0 && rowHeaders ? cell('th', 'row', c, i) : cell('td', undefined, c, i));
  const rows = block.rows.map((r) => `<tr>${r.map(bodyCell).join('')}</tr>\n`).join('');
  return `<div class="table-wrap"><table>\n${head}${rows ? `<tbody>\n${rows}</tbody>\n` : ''}</table></div>\n`;
}

type ImageNode = Extract<Inline, { type: 'image' }>;

/** The image of a paragraph that holds nothing else (whitespace aside): it is set as a figure. */
function soleImage(nodes: readonly Inline[]): ImageNode | undefined {
  const meaningful = nodes.filter((n) => !(n.type === 'text' && n.value.trim() === ''));
  return meaningful.length === 1 && meaningful[0].type === 'image' ? meaningful[0] : undefined;
}

function renderFigure(image: ImageNode, ctx: ContentContext, line: number): string {
  const img = renderImage(image, ctx, line);
  const caption = (image.title ?? image.alt).trim();
  return `<figure class="figure">${img}${caption ? `<figcaption>${languageText(caption, ctx.language)}</figcaption>` : ''}</figure>\n`;
}

function renderImage(image: ImageNode, ctx: ContentContext, line: number): string {
  if (!hasUsefulAlt(image)) {
    const problem = image.alt.trim() ? `has its file name "${image.alt.trim()}" as alt text` : 'has no alt text';
    ctx.warn(image.line || line, `image "${image.src}" ${problem}; describe it for readers who cannot see it (EPUB Accessibility)`);
  }
  const file = ctx.assets.get(image.src);
  if (!file) {
    ctx.warn(line, `image "${image.src}" is not part of the book; shown as its alt text`);
    return languageText(image.alt, ctx.language);
  }
  const { width, height } = file.asset;
  return `<img${attrs({ src: file.href, alt: image.alt, title: image.title, width, height })}/>`;
}

/** Renders inline nodes; `inLink` keeps links from nesting, which HTML forbids. */
export function renderInlines(nodes: readonly Inline[], ctx: ContentContext, line: number, inLink = false): string {
  let out = '';
  for (const node of nodes) {
    switch (node.type) {
      case 'text':
        out += languageText(node.value, ctx.language, ctx.emphasised);
        break;
      case 'emphasis':
        out += `<em>${renderInlines(node.children, { ...ctx, emphasised: true }, line, inLink)}</em>`;
        break;
      case 'strong':
        out += `<strong>${renderInlines(node.children, ctx, line, inLink)}</strong>`;
        break;
      case 'strike':
        out += `<s>${renderInlines(node.children, ctx, line, inLink)}</s>`;
        break;
      case 'code':
        out += `<code>${text(node.value)}</code>`;
        break;
      case 'break':
        out += '<br/>';
        break;
      case 'image':
        out += renderImage(node, ctx, line);
        break;
      case 'span': {
        // <time> would need a machine-readable datetime; a plain span keeps the words without inventing one.
        const tag = node.tag === 'time' ? 'span' : node.tag;
        out += `<${tag}${attrs({ title: node.title })}>${renderInlines(node.children, ctx, line, inLink)}</${tag}>`;
        break;
      }
      case 'link': {
        const inner = renderInlines(node.children, ctx, line, true);
        const href = inLink ? undefined : linkHref(node, ctx, line);
        out += href ? `<a href="${attr(href)}"${attrs({ title: node.title })}>${inner}</a>` : inner;
        break;
      }
    }
  }
  return out;
}

function linkHref(link: Extract<Inline, { type: 'link' }>, ctx: ContentContext, line: number): string | undefined {
  if (link.target) {
    const ids = ctx.headingIds.get(link.target.chapterId);
    if (ids) {
      const anchor = link.target.anchor ? ids.get(link.target.anchor) : undefined;
      return `${chapterHref(link.target.chapterId)}${anchor ? `#${anchor}` : ''}`;
    }
  }
  const external = externalUrl(link.href);
  if (!external) ctx.warn(line, `link "${link.href}" ("${inlineText(link.children).slice(0, 40)}") points to nothing in the book; kept as text`);
  return external;
}

