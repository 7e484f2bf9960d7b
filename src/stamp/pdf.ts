import {
  EncryptedPDFError,
  PDFArray,
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
import { licenceLine, licenceSchema, type Licence } from '../licence.ts';
import { addLicenceToXmp, readLicenceFromXmp } from './xmp.ts';
import { inflateInto } from './zip-read.ts';

const FOOTER_SIZE = 6.5;
/** Baseline of the licence line above the bottom edge: below the folio, inside any printer's safe area. */
const FOOTER_BASELINE = 11;
const INFO_ORDER = 'BinderyOrder';
const INFO_MARK = 'BinderyLicence';
/** Real XMP packets are kilobytes; a bigger one is taken to carry no licence rather than inflated. */
const MAX_XMP_BYTES = 4 * 1024 * 1024;
const FLATE = PDFName.of('FlateDecode');

/**
 * Stamps a finished PDF for one buyer: the licence line in the footer of
 * every page, and the order id plus per-order mark in the Info dictionary and
 * the XMP packet. Outline, links, page labels and the rest of the catalog are
 * kept: the file is rewritten whole (not as an incremental update, which
 * would leave the unstamped revision recoverable by truncation).
 *
 * @example const stamped = await stampPdf(pdfBytes, { email: 'ana@example.com', orderId: 'pur_3f2a9c0d41b84e6f8a7d5c1e2b3a4f60', mark: crypto.randomUUID() })
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

/** PDF's Stamper, loaded by the format registry (the registry's types check its shape, so stamp/ need not import formats/). */
export const pdfStamper = { stamp: stampPdf, read: readPdfStamp };

/** The licence a stamped PDF carries (Info first, XMP as a fallback), or null. */
export async function readPdfStamp(bytes: Uint8Array): Promise<{ orderId: string; mark: string } | null> {
  // pdf-lib recovers what it can from a cut-off file; a licence read from part of a file proves nothing.
  if (!new TextDecoder().decode(bytes.subarray(-1024)).includes('%%EOF')) {
    throw new BinderyError('invalid-input', 'the PDF is truncated: it does not end with %%EOF', { field: 'file' });
  }
  const doc = await loadPdf(bytes);
  try {
    const info = doc.context.lookupMaybe(doc.context.trailerInfo.Info, PDFDict);
    const order = info?.lookupMaybe(PDFName.of(INFO_ORDER), PDFString, PDFHexString)?.decodeText();
    const mark = info?.lookupMaybe(PDFName.of(INFO_MARK), PDFString, PDFHexString)?.decodeText();
    if (order && mark?.startsWith('urn:uuid:')) return { orderId: order, mark: mark.slice('urn:uuid:'.length) };
    const xmp = readXmp(doc);
    return xmp ? readLicenceFromXmp(xmp) : null;
  } catch (err) {
    // A file pdf-lib half-parsed fails later, with whatever error its missing parts cause.
    throw unreadablePdf(err);
  }
}

async function loadPdf(bytes: Uint8Array): Promise<PDFDocument> {
  try {
    return await PDFDocument.load(bytes, { updateMetadata: false });
  } catch (err) {
    throw unreadablePdf(err);
  }
}

function unreadablePdf(err: unknown): BinderyError {
  const message = err instanceof EncryptedPDFError ? 'the PDF is encrypted: remove the password protection and try again' : 'the file is not a readable PDF';
  return new BinderyError('invalid-input', message, { field: 'file' }, { cause: err });
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

/**
 * The XMP packet, when uncompressed or plain FlateDecode and at most
 * MAX_XMP_BYTES; null otherwise. Flate is inflated here under the cap rather
 * than by pdf-lib, whose decoder inflates a whole deflate block at once
 * (one crafted block can hold gigabytes).
 */
function readXmp(doc: PDFDocument): string | null {
  const stream = doc.context.lookup(doc.catalog.get(PDFName.of('Metadata')));
  if (!(stream instanceof PDFRawStream)) return null;
  const filter = stream.dict.lookup(PDFName.of('Filter'));
  const filters = filter instanceof PDFArray ? filter.asArray() : filter ? [filter] : [];
  let bytes: Uint8Array | null = null;
  if (filters.length === 0) bytes = stream.contents.length <= MAX_XMP_BYTES ? stream.contents : null;
  else if (filters.length === 1 && filters[0] === FLATE && !stream.dict.has(PDFName.of('DecodeParms'))) bytes = inflateXmp(stream.contents);
  return bytes && new TextDecoder().decode(bytes);
}

function inflateXmp(zlib: Uint8Array): Uint8Array | null {
  // The zlib header (method 8, check bits) is skipped when present; some writers leave it out.
  const body = (zlib[0] & 0x0f) === 8 && ((zlib[0] << 8) | zlib[1]) % 31 === 0 ? zlib.subarray(2) : zlib;
  const out = new Uint8Array(MAX_XMP_BYTES);
  const { produced, overflow } = inflateInto(body, out);
  return overflow ? null : out.subarray(0, produced);
}

/** XMP stays uncompressed, as readers and archivists expect to find it. */
function writeXmp(doc: PDFDocument, licence: Licence): void {
  const xmp = addLicenceToXmp(readXmp(doc), licence);
  const stream = doc.context.stream(new TextEncoder().encode(xmp), { Type: 'Metadata', Subtype: 'XML' });
  doc.catalog.set(PDFName.of('Metadata'), doc.context.register(stream));
}
