import type { AccessibilitySettings } from '../content/manifest.ts';
import type { Warning } from '../errors.ts';
import type { TdmReservation } from '../tdm.ts';

/**
 * The document model: what every writer consumes. Markdown is parsed once
 * into these nodes (see parse.ts); EPUB and PDF writers never see Markdown or
 * raw HTML — sanitised HTML arrives here as ordinary typed nodes.
 */

export type Inline =
  | { type: 'text'; value: string }
  | { type: 'emphasis'; children: Inline[] }
  | { type: 'strong'; children: Inline[] }
  | { type: 'strike'; children: Inline[] }
  | { type: 'code'; value: string }
  | { type: 'link'; href: string; title?: string; target?: InternalTarget; children: Inline[] }
  /** `fromHtml`: written as raw HTML; an unresolvable one is dropped with a warning instead of failing the build. */
  | { type: 'image'; src: string; alt: string; title?: string; line: number; fromHtml?: boolean }
  | { type: 'break' }
  /** Allowed inline HTML kept for its meaning: kbd, sub, sup, mark, small, u, abbr, cite, q, dfn, ins, span. */
  | { type: 'span'; tag: SpanTag; title?: string; children: Inline[] };

export const SPAN_TAGS = ['kbd', 'sub', 'sup', 'mark', 'small', 'u', 'abbr', 'cite', 'q', 'dfn', 'ins', 'span', 'var', 'samp', 'time', 'bdi'] as const;
export type SpanTag = (typeof SPAN_TAGS)[number];

/** A link into the book itself, resolved from a relative `.md` reference. */
export interface InternalTarget {
  chapterId: string;
  /** Heading id inside that chapter; absent for the chapter's start. */
  anchor?: string;
}

export type Align = 'left' | 'center' | 'right' | null;

export type Block =
  | { type: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6; id: string; children: Inline[]; line: number }
  | { type: 'paragraph'; children: Inline[]; line: number }
  | { type: 'list'; ordered: boolean; start: number; items: ListItem[]; line: number }
  | { type: 'table'; align: Align[]; header: Inline[][]; rows: Inline[][][]; line: number }
  | { type: 'code'; lang?: string; value: string; line: number }
  | { type: 'quote'; children: Block[]; line: number }
  | { type: 'definitionList'; items: DefinitionItem[]; line: number }
  | { type: 'thematicBreak'; line: number };

export interface ListItem {
  /** null for ordinary items; true/false for GFM task list items. */
  checked: boolean | null;
  children: Block[];
}

/** One entry of a definition list: one or more terms, then their definitions. */
export interface DefinitionItem {
  /** Each term is one source line; the first is on `line`, the next on the line below. */
  terms: Inline[][];
  definitions: Block[][];
  line: number;
}

export interface HeadingRef {
  id: string;
  level: number;
  text: string;
}

/** One article turned into a chapter. */
export interface Chapter {
  /** Stable id, used for file names and link targets: `ch01`, `ch02`, … */
  id: string;
  /** Source path within the book (a pool article's build path; src/content/article-ids.ts maps it to the article id); errors name it. */
  file: string;
  title: string;
  part?: string;
  sample: boolean;
  author?: string;
  date?: string;
  source?: string;
  lang?: string;
  blocks: Block[];
  /** Headings of level 2 and 3, for the table of contents. */
  headings: HeadingRef[];
}

/** An image or other file the book embeds, keyed by its path in the book. */
export interface Asset {
  path: string;
  mediaType: ImageMediaType;
  bytes: Uint8Array;
  width?: number;
  height?: number;
}

export type ImageMediaType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/svg+xml' | 'image/webp';

/** Metadata normalised once, with defaults applied (pandoc-style). */
export interface BookMeta {
  slug: string;
  title: string;
  subtitle?: string;
  language: string;
  authors: string[];
  publisher?: string;
  /** Edition date, YYYY-MM-DD. */
  date: string;
  /** Reproducible timestamp derived from `date` (or SOURCE_DATE_EPOCH). */
  modified: Date;
  description?: string;
  /** `urn:isbn:…` or a stable `urn:uuid:…` derived from the slug. */
  identifier: string;
  isbn?: string;
  price?: { amount: number; currency: string };
  tags: string[];
  page: 'a5' | '6x9in' | 'a4';
  rights?: string;
  /** Path of the cover image asset; absent when a typographic cover is generated. */
  cover?: string;
  /** The publisher's overrides of the derived accessibility metadata (book.yaml `accessibility:`). */
  accessibility?: AccessibilitySettings;
  /** Whether text and data mining is reserved (W3C TDMRep): book.yaml's `tdm:`, else the default. */
  tdm: TdmReservation;
}

export interface Part {
  title: string;
  chapterIds: string[];
}

/** The whole book as writers see it. */
export interface BookDocument {
  meta: BookMeta;
  /** Problems that did not stop the build, each with its place (shown by the CLI, kept with the build). */
  warnings: Warning[];
  chapters: Chapter[];
  parts: Part[];
  assets: Map<string, Asset>;
}

/** The block lists a block holds: a quote's, each list item's, each definition. */
export function childBlocks(block: Block): Block[][] {
  switch (block.type) {
    case 'quote':
      return [block.children];
    case 'list':
      return block.items.map((item) => item.children);
    case 'definitionList':
      return block.items.flatMap((item) => item.definitions);
    default:
      return [];
  }
}

/** The runs of inline content a block itself holds (not those of its child blocks): its text, a table's cells, a definition list's terms. */
export function inlineRunsOf(block: Block): Inline[][] {
  switch (block.type) {
    case 'heading':
    case 'paragraph':
      return [block.children];
    case 'table':
      return [...block.header, ...block.rows.flat()];
    case 'definitionList':
      return block.items.flatMap((item) => item.terms);
    default:
      return [];
  }
}

/** Plain text of inline nodes: for titles, alt text, search and checks. */
export function inlineText(nodes: readonly Inline[]): string {
  let out = '';
  for (const node of nodes) {
    switch (node.type) {
      case 'text':
      case 'code':
        out += node.value;
        break;
      case 'break':
        out += '\n';
        break;
      case 'image':
        out += node.alt;
        break;
      default:
        out += inlineText(node.children);
    }
  }
  return out;
}
