import { PDFArray, PDFHexString, PDFName, PDFNull, PDFNumber, type PDFDocument, type PDFRef } from '@cantoo/pdf-lib';
import type { Destination } from './paginate.ts';
import type { StreamedPdf } from './streamed-file.ts';

/** One bookmark: a title, where it jumps, and the bookmarks under it. */
export interface OutlineItem {
  title: string;
  destination: Destination;
  children: OutlineItem[];
}

/** `[page /XYZ left top null]`: jump to a place on a page, keeping the zoom. */
export function destinationArray(pdf: PDFDocument, d: Destination, left: number): PDFArray {
  return pdf.context.obj([d.page, PDFName.of('XYZ'), PDFNumber.of(Math.round(left)), PDFNumber.of(Math.round(d.y + 4)), PDFNull]);
}

/**
 * Writes the document outline (bookmarks) as the catalog's /Outlines tree,
 * each item straight out to the file (a long book has thousands).
 * Top-level items are shown open; deeper levels start closed.
 */
export function writeOutline(pdf: PDFDocument, file: StreamedPdf, items: readonly OutlineItem[], left: number): void {
  if (!items.length) return;
  const root = pdf.context.nextRef();
  const count = addItems(pdf, file, items, root, left, true);
  pdf.context.assign(root, pdf.context.obj({ Type: 'Outlines', First: count.first, Last: count.last, Count: count.visible }));
  pdf.catalog.set(PDFName.of('Outlines'), root);
  pdf.catalog.set(PDFName.of('PageMode'), PDFName.of('UseOutlines'));
}

function addItems(pdf: PDFDocument, file: StreamedPdf, items: readonly OutlineItem[], parent: PDFRef, left: number, open: boolean): { first: PDFRef; last: PDFRef; visible: number } {
  const refs = items.map(() => pdf.context.nextRef());
  let visible = items.length;
  items.forEach((item, i) => {
    const entry: Record<string, unknown> = {
      Title: PDFHexString.fromText(item.title),
      Parent: parent,
      Dest: destinationArray(pdf, item.destination, left),
    };
    if (i > 0) entry.Prev = refs[i - 1];
    if (i < items.length - 1) entry.Next = refs[i + 1];
    if (item.children.length) {
      const child = addItems(pdf, file, item.children, refs[i], left, false);
      entry.First = child.first;
      entry.Last = child.last;
      entry.Count = open ? child.visible : -child.visible;
      if (open) visible += child.visible;
    }
    file.writeObject(refs[i], pdf.context.obj(entry as never));
  });
  return { first: refs[0], last: refs[refs.length - 1], visible };
}
