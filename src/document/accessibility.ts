import { languageOf } from '../language/index.ts';
import { childBlocks, inlineRunsOf, inlineText, type Block, type BookDocument, type Inline } from './model.ts';

/** EPUB Accessibility 1.1 metadata of a book: derived from its content, then the publisher's book.yaml overrides applied. */
export interface Accessibility {
  accessMode: string[];
  /** Each entry one sufficient set, modes joined by commas. */
  accessModeSufficient: string[];
  accessibilityFeature: string[];
  accessibilityHazard: string[];
  accessibilitySummary: string;
  /** The conformance claim; absent when none is made. */
  conformsTo?: string;
  certifiedBy?: string;
}

export const CONFORMS_TO = 'EPUB Accessibility 1.1 - WCAG 2.1 Level AA';

type ImageNode = Extract<Inline, { type: 'image' }>;

/**
 * Alt text a reader can use: present, and not merely the image's file name
 * (with or without its extension), which is what tools fill in by default.
 */
export function hasUsefulAlt(image: Pick<ImageNode, 'src' | 'alt'>): boolean {
  const alt = image.alt.trim().toLowerCase();
  if (!alt) return false;
  const file = decodeURIComponentSafe(image.src.split(/[?#]/)[0].split('/').pop() ?? '').toLowerCase();
  return alt !== file && alt !== file.replace(/\.[^.]*$/, '');
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Whether a table's first column names its rows, so its cells are row headers
 * (`<th scope="row">`, PDF `TH` with `/Scope /Row`). Markdown cannot say so;
 * a first column whose cells are all words (a number or amount is data) and
 * all different identifies each row, as in a comparison or price table.
 */
export function firstColumnHeadsRows(table: Extract<Block, { type: 'table' }>): boolean {
  if (table.header.length < 2 || table.rows.length === 0) return false;
  const labels = table.rows.map((row) => inlineText(row[0] ?? []).trim());
  return labels.every((label) => /\p{L}/u.test(label)) && new Set(labels).size === labels.length;
}

/** Every image in the chapters' text, in reading order (the cover is not among them). */
export function imagesOf(doc: BookDocument): ImageNode[] {
  const out: ImageNode[] = [];
  const inlines = (nodes: readonly Inline[]) => {
    for (const n of nodes) {
      if (n.type === 'image') out.push(n);
      else if ('children' in n) inlines(n.children);
    }
  };
  const blocks = (nodes: readonly Block[]) => {
    for (const b of nodes) {
      inlineRunsOf(b).forEach(inlines);
      childBlocks(b).forEach(blocks);
    }
  };
  doc.chapters.forEach((c) => blocks(c.blocks));
  return out;
}

/**
 * The book's accessibility metadata. Bindery's writers give every book a
 * table of contents, headings, a reading order that follows the source and
 * restylable text; images add the visual mode and, when all of them have alt
 * text, `alternativeText`. The WCAG claim is only made by default when every
 * image has alt text: a book with undescribed images does not meet it.
 *
 * @example accessibilityOf(doc).accessMode // ['textual', 'visual']
 */
export function accessibilityOf(doc: BookDocument): Accessibility {
  const images = imagesOf(doc);
  const hasImages = images.length > 0;
  const allAlt = images.every(hasUsefulAlt);
  const derived: Accessibility = {
    accessMode: hasImages ? ['textual', 'visual'] : ['textual'],
    accessModeSufficient: !hasImages ? ['textual'] : allAlt ? ['textual', 'textual,visual'] : ['textual,visual'],
    accessibilityFeature: [
      ...(hasImages && allAlt ? ['alternativeText'] : []),
      'ARIA',
      'displayTransformability',
      'readingOrder',
      'structuralNavigation',
      'tableOfContents',
    ],
    accessibilityHazard: ['none'],
    accessibilitySummary: languageOf(doc.meta.language).words.book.accessibilitySummary({ images: hasImages, alternativeText: allAlt }),
    ...(allAlt ? { conformsTo: CONFORMS_TO } : {}),
    ...(allAlt && doc.meta.publisher ? { certifiedBy: doc.meta.publisher } : {}),
  };
  const o = doc.meta.accessibility;
  if (!o) return derived;
  const conformsTo = o.conformsTo === false ? undefined : (o.conformsTo ?? derived.conformsTo);
  const certifiedBy = o.certifiedBy ?? derived.certifiedBy;
  return {
    accessMode: o.accessMode ?? derived.accessMode,
    accessModeSufficient: o.accessModeSufficient ?? derived.accessModeSufficient,
    accessibilityFeature: o.accessibilityFeature ?? derived.accessibilityFeature,
    accessibilityHazard: o.accessibilityHazard ?? derived.accessibilityHazard,
    accessibilitySummary: o.accessibilitySummary ?? derived.accessibilitySummary,
    ...(conformsTo ? { conformsTo } : {}),
    // A certifier certifies a claim: without one there is nothing to certify.
    ...(conformsTo && certifiedBy ? { certifiedBy } : {}),
  };
}
