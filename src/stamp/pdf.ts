import {
  decodePDFRawStream,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFRawStream,
  PDFString,
  rgb,
  StandardFonts,
  type PDFFont,
} from '@cantoo/pdf-lib';
import { BinderyError } from '../errors.ts';
import { licenceLine, licenceSchema, type Licence } from './licence.ts';
import { addLicenceToXmp, readLicenceFromXmp } from './xmp.ts';

const FOOTER_SIZE = 6.5;
/** Baseline of the licence line above the bottom edge: below the folio, inside any printer's safe area. */
const FOOTER_BASELINE = 11;
const INFO_ORDER = 'BinderyOrder';
const INFO_MARK = 'BinderyLicence';

/**
 * Stamps a finished PDF for one buyer: the licence line in the footer of
 * every page, and the order id plus per-order mark in the Info dictionary and
 * the XMP packet. Outline, links, page labels and the rest of the catalog are
 * kept: the file is rewritten whole (not as an incremental update, which
 * would leave the unstamped revision recoverable by truncation).
 *
 * @example const stamped = await stampPdf(pdfBytes, { email: 'ana@example.com', orderId: 'cs_test_123', mark: crypto.randomUUID() })
 */
export async function stampPdf(bytes: Uint8Array, licenceInput: Licence): Promise<Uint8Array> {
  const licence = licenceSchema.parse(licenceInput);
  const doc = await loadPdf(bytes);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const line = encodable(licenceLine(licence), font);
  const width = font.widthOfTextAtSize(line, FOOTER_SIZE);
  for (const page of doc.getPages()) {
    const box = page.getCropBox();
    page.drawText(line, {
      x: box.x + Math.max(4, (box.width - width) / 2),
      y: box.y + FOOTER_BASELINE,
      size: FOOTER_SIZE,
      font,
      color: rgb(0.42, 0.42, 0.42),
    });
  }
  writeInfo(doc, licence);
  writeXmp(doc, licence);
  return doc.save({ useObjectStreams: true });
}

/** The licence a stamped PDF carries (Info first, XMP as a fallback), or null. */
export async function readPdfStamp(bytes: Uint8Array): Promise<{ orderId: string; mark: string } | null> {
  const doc = await loadPdf(bytes);
  const info = doc.context.lookupMaybe(doc.context.trailerInfo.Info, PDFDict);
  const order = info?.lookupMaybe(PDFName.of(INFO_ORDER), PDFString, PDFHexString)?.decodeText();
  const mark = info?.lookupMaybe(PDFName.of(INFO_MARK), PDFString, PDFHexString)?.decodeText();
  if (order && mark?.startsWith('urn:uuid:')) return { orderId: order, mark: mark.slice('urn:uuid:'.length) };
  const xmp = readXmp(doc);
  return xmp ? readLicenceFromXmp(xmp) : null;
}

async function loadPdf(bytes: Uint8Array): Promise<PDFDocument> {
  try {
    return await PDFDocument.load(bytes, { updateMetadata: false });
  } catch (err) {
    throw new BinderyError('invalid-input', 'the file is not a readable PDF', { field: 'file' }, { cause: err });
  }
}

/** Helvetica speaks WinAnsi only; anything else (an internationalised address) shows as "?" rather than failing the download. */
function encodable(text: string, font: PDFFont): string {
  const supported = new Set(font.getCharacterSet());
  return [...text].map((ch) => (supported.has(ch.codePointAt(0)!) ? ch : '?')).join('');
}

function writeInfo(doc: PDFDocument, licence: Licence): void {
  let info = doc.context.lookupMaybe(doc.context.trailerInfo.Info, PDFDict);
  if (!info) {
    info = doc.context.obj({});
    doc.context.trailerInfo.Info = doc.context.register(info);
  }
  info.set(PDFName.of(INFO_ORDER), PDFHexString.fromText(licence.orderId));
  info.set(PDFName.of(INFO_MARK), PDFHexString.fromText(`urn:uuid:${licence.mark}`));
}

function readXmp(doc: PDFDocument): string | null {
  const stream = doc.context.lookup(doc.catalog.get(PDFName.of('Metadata')));
  return stream instanceof PDFRawStream ? new TextDecoder().decode(decodePDFRawStream(stream).decode()) : null;
}

/** XMP stays uncompressed, as readers and archivists expect to find it. */
function writeXmp(doc: PDFDocument, licence: Licence): void {
  const xmp = addLicenceToXmp(readXmp(doc), licence);
  const stream = doc.context.stream(new TextEncoder().encode(xmp), { Type: 'Metadata', Subtype: 'XML' });
  doc.catalog.set(PDFName.of('Metadata'), doc.context.register(stream));
}
