import {
  EncryptedPDFError,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFRef,
  type PDFPage,
  PDFString,
  StandardFonts,
  type PDFFont,
} from '@cantoo/pdf-lib';
import fontkit from '@cantoo/fontkit';
import { sha256Hex } from '../crypto.ts';
import { BinderyError } from '../errors.ts';
import { licenceSchema, type FoundPurchase, type HiddenLicence, type Licence, type ReadOptions, type StampOptions } from '../licence.ts';
import { licenceLine } from './licence-line.ts';
import { MarkTally } from './marks.ts';
import { codedLines, readLayouts, textLines, type CodedLine, type TextLine } from './pdf-layout-layer.ts';
import { textLayerOps } from './pdf-mark-layer.ts';
import { readOwnPage } from './pdf-own-text.ts';
import { decodePlan, encodePlan, planPdfStamp, shiftedDrawing, shiftedMarks, type StampPlan } from './pdf-stamp-plan.ts';
import { loadForStamp, readObjectMap, rewritePdf } from './pdf-rewrite.ts';
import type { FontReader } from './pdf-fonts.ts';
import { OBJECT_STREAM_LIMITS, objectStreamsWithinLimits, streamBytes, type InflateBudget } from './pdf-syntax.ts';
import { textOfRuns, visitPageText, type ShownRun } from './pdf-text.ts';
import { isMarkable, keyedMarkCode } from './text-mark.ts';
import { deflatedStream, flateStream } from '../deflate/pdf-stream.ts';
import { addLicenceToXmp, readLicenceFromXmp } from './xmp.ts';

const FOOTER_SIZE = 6.5;
/** Baseline of the licence line above the bottom edge: below the folio, inside any printer's safe area. */
const FOOTER_BASELINE = 11;
const INFO_ORDER = 'BinderyOrder';
const INFO_MARK = 'BinderyLicence';
/** Real XMP packets are kilobytes; a bigger one is taken to carry no licence rather than inflated. */
const MAX_XMP_BYTES = 4 * 1024 * 1024;
/**
 * What reading an uploaded PDF's text may inflate or read: 16 MB per stream,
 * 48 MB in all (streams are let go page by page). A 300-page book's pages
 * hold ~2.5 MB; the cap bounds the time a hostile file can take.
 */
const READ_BUDGET = { perStream: 16 * 1024 * 1024, total: 48 * 1024 * 1024 };
/** Lines kept for the layout layer (a 1,000-page book has about 40,000), so that a hostile file's endless ones cannot fill memory. */
const MAX_LAYOUT_LINES = 60_000;

/**
 * Stamps a finished PDF for one buyer: the licence line in the footer of
 * every page (an Artifact, set in the book's font when `options.font` gives
 * it), the purchase id as an invisible text layer through every page's text
 * (pdf-mark-layer.ts), its text lines moved by the purchase's code (the
 * layout layer, pdf-layout-layer.ts), and the order id plus per-order mark in
 * the Info dictionary and the XMP packet. The lines are moved in the edition's
 * stamp plan (pdf-stamp-plan.ts), read from `options.plan` or worked out.
 * Outline, links, page labels, the structure tree and the rest of the catalog
 * are kept: the file is rewritten whole (not as an incremental update, which
 * would leave the unstamped revision recoverable by truncation).
 *
 * @example const stamped = await stampPdf(pdfBytes, { email: 'ana@example.com', orderId: 'pur_3f2a9c0d41b84e6f8a7d5c1e2b3a4f60', mark: crypto.randomUUID() }, { markKey: await markKeyOf(env.SIGNING_KEY) })
 */
export async function stampPdf(bytes: Uint8Array, licenceInput: Licence, options: StampOptions): Promise<Uint8Array> {
  const licence = licenceSchema.parse(licenceInput);
  const objects = readObjectMap(bytes);
  // A file of the writer's own shape that still does not read in part is loaded whole, as any other.
  const doc = (objects && (await loadForStamp(bytes, objects).catch(() => null))) ?? (await loadPdf(bytes));
  const edits: ObjectEdits = { changed: new Set(), removed: new Set() };
  // The plan reads the pages' text: before anything is added to them.
  const plan = isMarkable(licence.orderId) ? await editionPlan(bytes, doc, options.plan) : null;
  const code = keyedMarkCode(options.markKey);
  const symbols = plan ? code.symbols(licence.orderId) : [];
  const marks = plan && textLayerOps(doc, code.textMark(licence.orderId), plan.pages.map((page) => shiftedMarks(page, symbols)));
  const lines = await licenceLineOps(doc, licenceLine(licence, options.line), options.font);
  const pagesDrawing = new Map<PDFRef, number>();
  for (const page of doc.getPages()) for (const ref of contentRefs(doc, page)) pagesDrawing.set(ref, (pagesDrawing.get(ref) ?? 0) + 1);
  let isolation: Isolation | undefined;
  doc.getPages().forEach((page, i) => {
    const drawing = plan && shiftedDrawing(plan.pages[i], symbols);
    const stamp = doc.context.register(flateStream(doc.context, `${marks?.[i] ? `q\n${marks[i]}\nQ\n` : ''}${lines[i]}`));
    // A page whose lines move gets its drawing anew (bracketed in q … Q, so whatever graphics state it leaves cannot move the stamp), then the stamp.
    if (drawing) replaceContent(doc, page, [doc.context.register(deflatedStream(doc.context, drawing)), stamp], pagesDrawing, edits);
    else {
      isolation ??= { save: doc.context.register(doc.context.stream('q')), restore: doc.context.register(doc.context.stream('Q')) };
      isolatePageContent(doc, page, isolation);
      page.node.addContentStream(stamp);
    }
    for (const ref of pageObjectRefs(doc, page)) edits.changed.add(ref.objectNumber);
  });
  writeInfo(doc, licence, edits);
  writeXmp(doc, licence, edits);
  if (!objects) return doc.save({ useObjectStreams: true, objectsPerTick: Infinity });
  // The licence line's font is embedded (subset to the line's characters) when the document is flushed.
  await doc.flush();
  return rewritePdf(bytes, objects, doc.context, edits.changed, edits.removed);
}

/** The edition's stamp plan: the one kept in `store` when it is this edition's, or worked out (and kept there). */
async function editionPlan(bytes: Uint8Array, doc: PDFDocument, store: StampOptions['plan']): Promise<StampPlan> {
  const edition = await sha256Hex(bytes);
  const kept = store && decodePlan(await store.read(), edition, doc.getPageCount());
  if (kept) return kept;
  const plan = planPdfStamp(doc, edition);
  await store?.write(encodePlan(plan));
  return plan;
}

/** Object numbers of the edition the stamp rewrote in place, and those it dropped. */
interface ObjectEdits {
  changed: Set<number>;
  removed: Set<number>;
}

/** A page's own object and the indirect dictionaries its resources live in: what adding a font to the page rewrites. */
function pageObjectRefs(doc: PDFDocument, page: PDFPage): PDFRef[] {
  const resources = page.node.get(PDFName.of('Resources'));
  const fonts = doc.context.lookupMaybe(resources, PDFDict)?.get(PDFName.of('Font'));
  return [page.ref, resources, fonts].filter((ref): ref is PDFRef => ref instanceof PDFRef);
}

/** Gives a page new content streams, and drops the ones they replace unless another page draws them too. */
function replaceContent(doc: PDFDocument, page: PDFPage, streams: PDFRef[], pagesDrawing: Map<PDFRef, number>, edits: ObjectEdits): void {
  for (const ref of contentRefs(doc, page)) {
    if (pagesDrawing.get(ref) !== 1) continue;
    doc.context.delete(ref);
    edits.removed.add(ref.objectNumber);
  }
  page.node.set(PDFName.of('Contents'), doc.context.obj(streams));
}

/** The objects a page's /Contents names: the array (when indirect) and its streams. */
function contentRefs(doc: PDFDocument, page: PDFPage): PDFRef[] {
  const contents = page.node.get(PDFName.of('Contents'));
  const array = contents instanceof PDFRef ? doc.context.lookup(contents) : contents;
  return [contents, ...(array instanceof PDFArray ? array.asArray() : [])].filter((ref): ref is PDFRef => ref instanceof PDFRef);
}

/** PDF's Stamper, loaded by the format registry (the registry's types check its shape, so stamp/ need not import formats/). */
export const pdfStamper = { stamp: stampPdf, read: readPdfMarks };

/**
 * Every purchase a PDF carries: the licence in Info (XMP as a fallback), the
 * text layer and printed purchase ids in every page's text, and — when
 * `options.editions` gives the unstamped editions it may be a copy of — the
 * layout layer, read against the first edition whose lines it matches.
 */
export async function readPdfMarks(bytes: Uint8Array, options: ReadOptions = {}): Promise<FoundPurchase[]> {
  // pdf-lib recovers what it can from a cut-off file; a licence read from part of a file proves nothing.
  if (!new TextDecoder().decode(bytes.subarray(-1024)).includes('%%EOF')) {
    throw new BinderyError('invalid-input', 'the PDF is truncated: it does not end with %%EOF', { field: 'file' });
  }
  if (!objectStreamsWithinLimits(bytes)) {
    throw new BinderyError('invalid-input', `the PDF's object streams inflate past ${OBJECT_STREAM_LIMITS.total / 1024 / 1024} MB: it is not read`, { field: 'file' });
  }
  const doc = await loadPdf(bytes);
  const tally = new MarkTally(options.markKey);
  const lines: Pick<TextLine, 'y' | 'key' | 'codeKey'>[][] = [];
  let kept = 0;
  try {
    const metadata = readMetadata(doc);
    if (metadata) tally.add(metadata.orderId, 'metadata', { licenceMark: metadata.mark });
    const budget: InflateBudget = { perStream: READ_BUDGET.perStream, left: READ_BUDGET.total };
    for (const page of doc.getPages()) {
      const runs: ShownRun[] = [];
      visitPageText(doc, page, budget, (run) => runs.push(run));
      tally.addText(textOfRuns(runs));
      if (options.editions && kept < MAX_LAYOUT_LINES) {
        const pageLines = textLines(runs).slice(0, MAX_LAYOUT_LINES - kept);
        lines.push(pageLines.map(({ y, key, codeKey }) => ({ y, key, codeKey })));
        kept += pageLines.length;
      }
    }
  } catch (err) {
    // A file pdf-lib half-parsed fails later, with whatever error its missing parts cause.
    throw unreadablePdf(err);
  }
  // Outside the try: an edition that cannot be read is the store's failure, not the upload's.
  if (options.editions) {
    for await (const edition of options.editions(tally.list().map((found) => found.purchaseId))) {
      const layouts = readLayouts(lines, await editionLayout(edition), tally.codes);
      for (const layout of layouts) tally.add(layout.purchaseId, 'layout', { lines: layout.lines, keyed: layout.keyed });
      if (layouts.length) break;
    }
  }
  return tally.list();
}

/** An unstamped edition's coded lines, read as the stamper read them. */
async function editionLayout(bytes: Uint8Array): Promise<Map<string, CodedLine>> {
  const doc = await loadPdf(bytes);
  const fonts = new Map<unknown, FontReader>();
  return codedLines(doc.getPages().map((page) => textLines(readOwnPage(doc, page, fonts).runs)));
}

function readMetadata(doc: PDFDocument): HiddenLicence | null {
  const info = doc.context.lookupMaybe(doc.context.trailerInfo.Info, PDFDict);
  const order = info?.lookupMaybe(PDFName.of(INFO_ORDER), PDFString, PDFHexString)?.decodeText();
  const mark = info?.lookupMaybe(PDFName.of(INFO_MARK), PDFString, PDFHexString)?.decodeText();
  if (order && mark?.startsWith('urn:uuid:')) return { orderId: order, mark: mark.slice('urn:uuid:'.length) };
  const xmp = readXmp(doc);
  return xmp ? readLicenceFromXmp(xmp) : null;
}

/** Two streams, `q` and `Q`, that every page whose drawing is kept shares. */
interface Isolation {
  save: PDFRef;
  restore: PDFRef;
}

/** Brackets a page's content in q … Q, so whatever graphics state it leaves cannot move what the stamp draws after it. */
function isolatePageContent(doc: PDFDocument, page: PDFPage, { save, restore }: Isolation): void {
  const contents = page.node.get(PDFName.of('Contents'));
  const array = contents && doc.context.lookup(contents);
  const existing = array instanceof PDFArray ? array.asArray() : contents ? [contents] : [];
  page.node.set(PDFName.of('Contents'), doc.context.obj([save, ...existing, restore]));
}

/**
 * The visible licence line at the foot of every page, by page index, marked as
 * a pagination artifact so that assistive technology and the structure tree
 * leave it out.
 */
async function licenceLineOps(doc: PDFDocument, text: string, loadFont: StampOptions['font']): Promise<string[]> {
  let font: PDFFont;
  let line = text;
  const fontBytes = loadFont ? await loadFont() : null;
  if (fontBytes) {
    doc.registerFontkit(fontkit);
    font = await doc.embedFont(fontBytes, { subset: true });
  } else {
    font = await doc.embedFont(StandardFonts.Helvetica);
    line = encodable(text, font);
  }
  const width = font.widthOfTextAtSize(line, FOOTER_SIZE);
  const shown = font.encodeText(line).toString();
  return doc.getPages().map((page) => {
    const box = page.getCropBox();
    const name = page.node.newFontDictionary('BinderyLicence', font.ref).toString();
    const x = box.x + Math.max(4, (box.width - width) / 2);
    return `q /Artifact <</Type /Pagination /Subtype /Footer>> BDC BT ${name} ${FOOTER_SIZE} Tf 0.42 0.42 0.42 rg 1 0 0 1 ${x.toFixed(2)} ${(box.y + FOOTER_BASELINE).toFixed(2)} Tm ${shown} Tj ET EMC Q`;
  });
}

async function loadPdf(bytes: Uint8Array): Promise<PDFDocument> {
  try {
    // pdf-lib yields to the event loop every 100 objects by default (for a browser's UI); a stamp or a verify has nothing to yield to.
    return await PDFDocument.load(bytes, { updateMetadata: false, parseSpeed: Infinity });
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

function writeInfo(doc: PDFDocument, licence: Licence, edits: ObjectEdits): void {
  let info = doc.context.lookupMaybe(doc.context.trailerInfo.Info, PDFDict);
  if (!info) {
    info = doc.context.obj({});
    doc.context.trailerInfo.Info = doc.context.register(info);
  } else if (doc.context.trailerInfo.Info instanceof PDFRef) edits.changed.add(doc.context.trailerInfo.Info.objectNumber);
  info.set(PDFName.of(INFO_ORDER), PDFHexString.fromText(licence.orderId));
  info.set(PDFName.of(INFO_MARK), PDFHexString.fromText(`urn:uuid:${licence.mark}`));
}

/** The XMP packet, when uncompressed or plain FlateDecode and at most MAX_XMP_BYTES; null otherwise. */
function readXmp(doc: PDFDocument): string | null {
  const bytes = streamBytes(doc.context.lookup(doc.catalog.get(PDFName.of('Metadata'))), { perStream: MAX_XMP_BYTES, left: MAX_XMP_BYTES });
  return bytes && new TextDecoder().decode(bytes);
}

/** XMP stays uncompressed, as readers and archivists expect to find it; it takes the place of the edition's packet. */
function writeXmp(doc: PDFDocument, licence: Licence, edits: ObjectEdits): void {
  const xmp = addLicenceToXmp(readXmp(doc), licence);
  const stream = doc.context.stream(new TextEncoder().encode(xmp), { Type: 'Metadata', Subtype: 'XML' });
  const existing = doc.catalog.get(PDFName.of('Metadata'));
  if (existing instanceof PDFRef) {
    doc.context.assign(existing, stream);
    edits.changed.add(existing.objectNumber);
    return;
  }
  doc.catalog.set(PDFName.of('Metadata'), doc.context.register(stream));
  const root = doc.context.trailerInfo.Root;
  if (root instanceof PDFRef) edits.changed.add(root.objectNumber);
}
