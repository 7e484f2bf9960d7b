import { decodePDFRawStream, PDFArray, PDFName, type PDFDocument, type PDFRawStream } from '@cantoo/pdf-lib';
import { strFromU8 } from 'fflate';

/** What the stamper draws on a page besides the book: the text layer's marks and the licence line, marked content in its own fonts. */
const STAMP_DRAWING = /\/Artifact BMC BT \/BinderyMark[^]*?EMC|\/Artifact <<\/Type \/Pagination \/Subtype \/Footer>> BDC BT \/BinderyLicence[^]*?EMC/g;

/**
 * What a leaker who found the stamp's drawing does: cuts the marks and the
 * licence line out of every page's content, leaving the book's own drawing
 * (and the layout layer's line positions in it). Returns how many pages held
 * a stamp, so a test can tell the attack reached something.
 */
export function cutStampDrawing(doc: PDFDocument): number {
  let stamped = 0;
  for (const page of doc.getPages()) {
    const contents = page.node.get(PDFName.of('Contents'));
    const streams = contents instanceof PDFArray ? contents.asArray() : [contents];
    const drawing = streams.map((ref) => strFromU8(decodePDFRawStream(doc.context.lookup(ref) as PDFRawStream).decode(), true)).join('\n');
    const cut = drawing.replace(STAMP_DRAWING, '');
    if (cut === drawing) continue;
    stamped++;
    page.node.set(PDFName.of('Contents'), doc.context.register(doc.context.flateStream(cut)));
  }
  return stamped;
}
