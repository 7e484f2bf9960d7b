import { PDFCrossRefStream, type PDFRef } from '@cantoo/pdf-lib';

interface XrefEntry {
  ref: PDFRef;
}

interface XrefInternals {
  entries: XrefEntry[];
  appendEntry(entry: XrefEntry): void;
}

let done = false;

/**
 * @cantoo/pdf-lib files each cross-reference entry by scanning every entry
 * already filed for its place (`PDFCrossRefStream.appendEntry`: `findIndex`,
 * then `splice`), so saving N objects costs N²/2 comparisons: ~200 ms of a
 * 633-page tagged book's build, whose 11,000 objects are mostly structure
 * elements. `save()` files entries in object-number order, so this appends
 * an entry that belongs at the end at once and leaves any other to pdf-lib's
 * own code: the same entries in the same order, the same bytes. Applied once
 * per process; a pdf-lib without that method is left as it is.
 */
export function fileCrossReferencesInOrder(): void {
  if (done) return;
  done = true;
  const xref = PDFCrossRefStream.prototype as unknown as XrefInternals;
  const fileInPlace = xref.appendEntry;
  if (typeof fileInPlace !== 'function') return;
  xref.appendEntry = function (this: XrefInternals, entry: XrefEntry): void {
    const last = this.entries[this.entries.length - 1];
    if (!last || last.ref.objectNumber < entry.ref.objectNumber) this.entries.push(entry);
    else fileInPlace.call(this, entry);
  };
}
