import type { ChildNode, Element } from 'domhandler';
import { pushAll } from '../arrays.ts';
import { BinderyError } from '../errors.ts';
import { MAX_NESTING, MarkupTooDeep, parseMarkup } from './nesting.ts';
import { SPAN_TAGS, type Align, type Block, type DefinitionItem, type Inline, type SpanTag } from './model.ts';

/**
 * Allow-list conversion of HTML (raw HTML from Markdown, and the inline HTML
 * marked renders) into document-model nodes. Nothing outside the allow-list
 * survives as markup: writers only ever see typed nodes, so no script, event
 * handler, iframe or `javascript:` URL can reach a reader.
 */

/** Elements removed together with everything inside them. */
const DROP_WITH_CONTENT = new Set([
  'script', 'style', 'iframe', 'object', 'embed', 'form', 'noscript', 'template', 'textarea', 'select', 'button',
  'input', 'option', 'link', 'meta', 'base', 'frame', 'frameset', 'applet', 'audio', 'video', 'canvas', 'svg', 'math',
  'head', 'title', 'param', 'source', 'track', 'dialog', 'portal',
]);

/** HTML has no prefixed elements: `s:script`, `h:iframe`, `o:p` come from XML vocabularies we never render, so they go like script. */
function dropsContent(tag: string): boolean {
  return DROP_WITH_CONTENT.has(tag) || tag.includes(':');
}

const SPANS = new Set<string>(SPAN_TAGS);
const CONTAINERS = new Set(['div', 'section', 'article', 'aside', 'header', 'footer', 'main', 'nav', 'figure', 'details', 'center', 'address', 'body', 'html', 'hgroup']);
const PARAGRAPHS = new Set(['p', 'figcaption', 'summary', 'dt', 'dd', 'caption', 'legend']);
const BLOCK_TAGS = new Set([...CONTAINERS, ...PARAGRAPHS, 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'dl', 'blockquote', 'pre', 'hr', 'table']);

/** Attribute the Markdown renderer puts on images written as `![]()`, to tell them from raw `<img>`. */
export const MARKDOWN_IMAGE = 'data-bindery-md';

const SAFE_LINK = /^(https?:|mailto:|#|[^:]*$)/i;

/** A URL a reader may follow: http(s), mailto, fragment or relative. `javascript:`, `data:`, `vbscript:` and the like are refused. */
export function safeHref(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  // Browsers ignore control characters and whitespace inside schemes ("java\tscript:"), so must we.
  const href = raw.replace(/[\u0000-\u0020\u007f]/g, '');
  if (!href) return undefined;
  const colon = href.indexOf(':');
  const slash = href.search(/[/?#]/);
  if (colon !== -1 && (slash === -1 || colon < slash)) return SAFE_LINK.test(href) ? raw.trim() : undefined;
  return raw.trim();
}

/** The nodes of HTML that starts on `line` of its article; elements nested deeper than Markdown may nest are refused there. */
function parse(html: string, line: number): ChildNode[] {
  try {
    return parseMarkup(html, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true }, MAX_NESTING).children;
  } catch (err) {
    if (!(err instanceof MarkupTooDeep)) throw err;
    throw new BinderyError('invalid-article', `HTML elements nest more than ${err.limit} deep here; at most ${err.limit}`, { line: line + err.line - 1 });
  }
}

/** The character references marked writes when it escapes text. */
const MARKED_ESCAPES = /&(?:amp|lt|gt|quot|#39);/g;
const UNESCAPED: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

export function htmlToInlines(html: string, line: number): Inline[] {
  // Most inline HTML marked renders is escaped text: no tag, and no reference but its own (every paragraph of
  // the bench's 100-chapter book, 80% of the sample books'). That is one text node, exactly as the parser
  // would give it, without tokenizing it and building a DOM.
  if (!html.includes('<') && !html.replace(MARKED_ESCAPES, '').includes('&')) {
    return html ? [{ type: 'text', value: html.replace(MARKED_ESCAPES, (reference) => UNESCAPED[reference]) }] : [];
  }
  return mergeText(convertInlines(parse(html, line), line));
}

export function htmlToBlocks(html: string, line: number): Block[] {
  return convertBlocks(parse(html, line), line);
}

function convertInlines(nodes: readonly ChildNode[], line: number): Inline[] {
  const out: Inline[] = [];
  for (const node of nodes) {
    if (node.type === 'text') out.push({ type: 'text', value: node.data });
    else if (isElement(node)) pushAll(out, convertInlineElement(node, line));
  }
  return out;
}

function convertInlineElement(el: Element, line: number): Inline[] {
  const tag = el.name;
  if (dropsContent(tag)) return [];
  const children = () => convertInlines(el.children, line);
  switch (tag) {
    case 'em':
    case 'i':
      return [{ type: 'emphasis', children: children() }];
    case 'strong':
    case 'b':
      return [{ type: 'strong', children: children() }];
    case 's':
    case 'del':
    case 'strike':
      return [{ type: 'strike', children: children() }];
    case 'code':
    case 'tt':
      // CommonMark: a line ending inside a code span is a space.
      return [{ type: 'code', value: textContent(el).replace(/\r?\n/g, ' ') }];
    case 'br':
      return [{ type: 'break' }];
    case 'a': {
      const href = safeHref(el.attribs.href);
      const inner = children();
      if (!href) return inner;
      return [{ type: 'link', href, ...(el.attribs.title ? { title: el.attribs.title } : {}), children: inner }];
    }
    case 'img': {
      const src = safeHref(el.attribs.src);
      const alt = el.attribs.alt ?? '';
      if (!src) return alt ? [{ type: 'text', value: alt }] : [];
      const fromHtml = el.attribs[MARKDOWN_IMAGE] === undefined;
      return [{ type: 'image', src, alt, ...(el.attribs.title ? { title: el.attribs.title } : {}), line, ...(fromHtml ? { fromHtml } : {}) }];
    }
    default:
      if (SPANS.has(tag)) {
        const title = el.attribs.title;
        return [{ type: 'span', tag: tag as SpanTag, ...(title ? { title } : {}), children: children() }];
      }
      return children();
  }
}

function convertBlocks(nodes: readonly ChildNode[], line: number): Block[] {
  const out: Block[] = [];
  let run: ChildNode[] = [];
  const flush = () => {
    const children = trimInlines(mergeText(convertInlines(run, line)));
    if (children.length) out.push({ type: 'paragraph', children, line });
    run = [];
  };
  for (const node of nodes) {
    if (!isElement(node) || !BLOCK_TAGS.has(node.name)) {
      if (!(isElement(node) && dropsContent(node.name))) run.push(node);
      continue;
    }
    flush();
    pushAll(out, convertBlockElement(node, line));
  }
  flush();
  return out;
}

function convertBlockElement(el: Element, line: number): Block[] {
  const tag = el.name;
  if (/^h[1-6]$/.test(tag)) {
    const children = trimInlines(mergeText(convertInlines(el.children, line)));
    return [{ type: 'heading', level: Number(tag[1]) as 1, id: '', children, line }];
  }
  if (PARAGRAPHS.has(tag) || CONTAINERS.has(tag) || tag === 'li') return convertBlocks(el.children, line);
  switch (tag) {
    case 'ul':
    case 'ol': {
      const items = el.children.filter(isElement).filter((c) => c.name === 'li');
      const start = Number.parseInt(el.attribs.start ?? '1', 10);
      return [
        {
          type: 'list',
          ordered: tag === 'ol',
          start: Number.isFinite(start) ? start : 1,
          items: items.map((li) => ({ checked: null, children: convertBlocks(li.children, line) })),
          line,
        },
      ];
    }
    case 'blockquote':
      return [{ type: 'quote', children: convertBlocks(el.children, line), line }];
    case 'pre':
      return [{ type: 'code', value: textContent(el).replace(/\n$/, ''), line }];
    case 'hr':
      return [{ type: 'thematicBreak', line }];
    case 'table':
      return [convertTable(el, line)];
    case 'dl':
      return convertDefinitionList(el, line);
    default:
      return [];
  }
}

/**
 * `<dl>` as the Markdown definition list is: consecutive `<dt>`s are the
 * terms of the `<dd>`s after them (a `<div>` may group them, as HTML allows).
 * A `<dd>` before any term is an ordinary block; a term with no definition
 * gets an empty one, so the EPUB's `<dl>` stays valid.
 */
function convertDefinitionList(dl: Element, line: number): Block[] {
  const before: Block[] = [];
  const items: DefinitionItem[] = [];
  const entries = dl.children.filter(isElement).flatMap((c) => (c.name === 'div' ? c.children.filter(isElement) : [c]));
  for (const el of entries) {
    const last = items[items.length - 1];
    if (el.name === 'dt') {
      const term = trimInlines(mergeText(convertInlines(el.children, line)));
      if (last && last.definitions.length === 0) last.terms.push(term);
      else items.push({ terms: [term], definitions: [], line });
    } else if (el.name === 'dd') {
      const blocks = convertBlocks(el.children, line);
      if (last) last.definitions.push(blocks);
      else pushAll(before, blocks);
    }
  }
  for (const item of items) if (item.definitions.length === 0) item.definitions.push([]);
  return items.length ? [...before, { type: 'definitionList', items, line }] : before;
}

function convertTable(table: Element, line: number): Block {
  const rows: Element[] = [];
  const collect = (el: Element) => {
    for (const child of el.children.filter(isElement)) {
      if (child.name === 'tr') rows.push(child);
      else if (['thead', 'tbody', 'tfoot'].includes(child.name)) collect(child);
    }
  };
  collect(table);
  const cells = rows.map((tr) => tr.children.filter(isElement).filter((c) => c.name === 'td' || c.name === 'th'));
  const width = Math.max(0, ...cells.map((r) => r.length));
  const toInlines = (cell: Element | undefined) => (cell ? trimInlines(mergeText(convertInlines(cell.children, line))) : []);
  const pad = (r: Element[]) => Array.from({ length: width }, (_, i) => toInlines(r[i]));
  const align: Align[] = Array.from({ length: width }, (_, i) => cellAlign(cells[0]?.[i]));
  const [head = [], ...body] = cells;
  return { type: 'table', align, header: pad(head), rows: body.map(pad), line };
}

function cellAlign(cell: Element | undefined): Align {
  const value = (cell?.attribs.align ?? /text-align:\s*(\w+)/i.exec(cell?.attribs.style ?? '')?.[1] ?? '').toLowerCase();
  return value === 'left' || value === 'center' || value === 'right' ? value : null;
}

function isElement(node: ChildNode): node is Element {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}

function textContent(node: ChildNode): string {
  if (node.type === 'text') return node.data;
  if (isElement(node)) return dropsContent(node.name) ? '' : node.children.map(textContent).join('');
  return '';
}

/** Joins adjacent text nodes so writers see whole runs. */
export function mergeText(nodes: Inline[]): Inline[] {
  const out: Inline[] = [];
  for (const node of nodes) {
    const last = out[out.length - 1];
    if (node.type === 'text' && last?.type === 'text') out[out.length - 1] = { type: 'text', value: last.value + node.value };
    else if (node.type !== 'text' || node.value !== '') out.push(node);
  }
  return out;
}

function trimInlines(nodes: Inline[]): Inline[] {
  const out = [...nodes];
  const first = out[0];
  if (first?.type === 'text') out[0] = { type: 'text', value: first.value.replace(/^\s+/, '') };
  const last = out[out.length - 1];
  if (last?.type === 'text') out[out.length - 1] = { type: 'text', value: last.value.replace(/\s+$/, '') };
  return out.filter((n) => n.type !== 'text' || n.value !== '');
}
