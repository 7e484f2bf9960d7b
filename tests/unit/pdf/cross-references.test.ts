import { PDFContext, PDFCrossRefStream, PDFDict, PDFRef } from '@cantoo/pdf-lib';
import { expect, it } from 'vitest';
import { fileCrossReferencesInOrder } from '../../../src/pdf/cross-references.ts';

it('files cross-reference entries in object-number order, whether they arrive in order or not', () => {
  fileCrossReferencesInOrder();
  const xref = PDFCrossRefStream.create(PDFDict.withContext(PDFContext.create()));
  for (const n of [1, 2, 5, 3, 4, 9, 7]) xref.addUncompressedEntry(PDFRef.of(n), n * 10);
  const entries = (xref as unknown as { entries: { ref: PDFRef; offset: number }[] }).entries;
  // Entry 0 is the head of the free list, made with the stream.
  expect(entries.slice(1).map((e) => [e.ref.objectNumber, e.offset])).toEqual([1, 2, 3, 4, 5, 7, 9].map((n) => [n, n * 10]));
});
