import { PDFDocument, PDFName } from '@cantoo/pdf-lib';
import { strToU8, Zip, ZipDeflate, ZipPassThrough, Zlib } from 'fflate';

/**
 * Files an attacker would upload to verify: zip bombs, lying zip headers and
 * Flate-bomb XMP. Padding is streamed through the compressor in 1 MB steps,
 * so a 300 MB bomb never sits in memory inflated.
 */

export const MB = 1024 * 1024;
export const ORDER_ID = 'pur_3f2a9c0d41b84e6f8a7d5c1e2b3a4f60';
export const MARK = '6f1c1f7e-4a1b-4c55-9d3e-2b7f0a9e8c11';

/** Text followed by `padding` spaces and then `tail`: XML that stays well-formed however big it gets. */
export interface Padded {
  head: string;
  padding: number;
  tail?: string;
}

const SPACES = new Uint8Array(MB).fill(0x20);

function pushPadded(push: (chunk: Uint8Array, final?: boolean) => void, { head, padding, tail = '' }: Padded): void {
  push(strToU8(head));
  for (let left = padding; left > 0; left -= MB) push(left >= MB ? SPACES : SPACES.subarray(0, left));
  push(strToU8(tail), true);
}

export const CONTAINER = `<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>
`;

/** A stamped OPF (licence at the top), to be padded into a bomb or not. */
export const licensedOpf = (orderId = ORDER_ID, mark = MARK) => `<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid" prefix="bindery: https://bindery.dev/ns/licence#">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:identifier id="uid">urn:uuid:0f6f2a5e-3d53-4a4e-9a55-8a1f0b0c0d0e</dc:identifier>
<meta property="bindery:order">${orderId}</meta>
<meta property="bindery:mark">urn:uuid:${mark}</meta>
</metadata>
<manifest><item id="ch01" href="ch01.xhtml" media-type="application/xhtml+xml"/></manifest>
<spine><itemref idref="ch01"/></spine>
`;

/** A zip of the given entries, deflated (mimetype stored); a Padded entry is streamed. */
export function zipOf(entries: Record<string, string | Padded>): Uint8Array {
  const parts: Uint8Array[] = [];
  const zip = new Zip((err, chunk) => {
    if (err) throw err;
    parts.push(chunk);
  });
  for (const [name, content] of Object.entries(entries)) {
    const file = name === 'mimetype' ? new ZipPassThrough(name) : new ZipDeflate(name, { level: 6 });
    zip.add(file);
    if (typeof content === 'string') file.push(strToU8(content), true);
    else pushPadded((chunk, final) => file.push(chunk, final), content);
  }
  zip.end();
  return concat(parts);
}

/** An EPUB with a licensed OPF; `opf` and `extra` entries may be bombs. */
export function epubOf(options: { opf?: string | Padded; extra?: Record<string, string | Padded> } = {}): Uint8Array {
  return zipOf({
    mimetype: 'application/epub+zip',
    'META-INF/container.xml': CONTAINER,
    'EPUB/package.opf': options.opf ?? `${licensedOpf()}</package>\n`,
    ...options.extra,
  });
}

/** The same zip with the central directory claiming `size` inflated bytes for `name` (the local header and data untouched). */
export function withDeclaredSize(zip: Uint8Array, name: string, size: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  const wanted = strToU8(name);
  for (let at = out.length - 22; at >= 0; at--) {
    if (view.getUint32(at, true) !== 0x02014b50) continue;
    const length = view.getUint16(at + 28, true);
    if (length === wanted.length && wanted.every((b, i) => out[at + 46 + i] === b)) {
      view.setUint32(at + 24, size, true);
      return out;
    }
  }
  throw new Error(`no central directory entry for ${name}`);
}

/** A one-page PDF whose catalog /Metadata is the given XMP, FlateDecode-compressed (zlib), and no Info licence. */
export async function pdfWithFlateXmp(xmp: Padded): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const zlib = new Zlib({ level: 6 }, (chunk) => parts.push(chunk));
  pushPadded((chunk, final) => zlib.push(chunk, final), xmp);
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.addPage([200, 200]);
  const stream = doc.context.stream(concat(parts), { Type: 'Metadata', Subtype: 'XML', Filter: 'FlateDecode' });
  doc.catalog.set(PDFName.of('Metadata'), doc.context.register(stream));
  return doc.save({ useObjectStreams: false });
}

/** An XMP packet carrying the licence only after `padding` spaces. */
export const licenceAfter = (padding: number): Padded => ({
  head: `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>\n<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">`,
  padding,
  tail:
    `<rdf:Description rdf:about="" xmlns:bindery="https://bindery.dev/ns/licence#"><bindery:order>${ORDER_ID}</bindery:order>` +
    `<bindery:mark>urn:uuid:${MARK}</bindery:mark></rdf:Description></rdf:RDF></x:xmpmeta>\n<?xpacket end="w"?>`,
});

/** A tiny PDF that declares an encryption dictionary. */
export const ENCRYPTED_PDF = strToU8(
  '%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n2 0 obj <</Type/Pages/Kids[]/Count 0>> endobj\n' +
    '3 0 obj <</Filter/Standard/V 1/R 2/O(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa)/U(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa)/P -4>> endobj\n' +
    'trailer <</Root 1 0 R/Encrypt 3 0 R/ID[<00><00>]>>\n%%EOF\n',
);

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * A PDF whose page draws a form that draws the next form `fanOut` times,
 * `depth` levels down, each uncompressed: fanOut^depth form readings if
 * nothing counted them (a "billion laughs" of content streams).
 */
export async function pdfWithFormFanOut(fanOut: number, depth: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const page = doc.addPage([200, 200]);
  let inner = doc.context.register(doc.context.stream('BT ET', { Type: 'XObject', Subtype: 'Form', BBox: [0, 0, 200, 200] }));
  for (let level = 0; level < depth; level++) {
    const form = doc.context.stream('/X Do\n'.repeat(fanOut), { Type: 'XObject', Subtype: 'Form', BBox: [0, 0, 200, 200], Resources: { XObject: { X: inner } } });
    inner = doc.context.register(form);
  }
  page.node.setXObject(PDFName.of('X'), inner);
  page.node.addContentStream(doc.context.register(doc.context.stream('/X Do')));
  return doc.save({ useObjectStreams: false });
}

/** A PDF of the given objects (1 is the catalog), each written as is, with a classic cross-reference table. */
export function rawPdf(objects: (string | Uint8Array)[]): Uint8Array {
  const parts: Uint8Array[] = [strToU8('%PDF-1.7\n')];
  let length = parts[0].length;
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(length);
    for (const part of [strToU8(`${i + 1} 0 obj\n`), typeof object === 'string' ? strToU8(object) : object, strToU8('\nendobj\n')]) {
      parts.push(part);
      length += part.length;
    }
  });
  const xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  parts.push(strToU8(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`));
  return concat(parts);
}

const streamObject = (data: string) => `<< /Length ${data.length} >>\nstream\n${data}\nendstream`;
const ONE_PAGE = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /Font << /F1 4 0 R >> >> /Contents 6 0 R >>'];
const SHOW_ONE_CODE = streamObject('BT /F1 12 Tf 10 10 Td <0001> Tj ET');

/** A page in a font whose ToUnicode CMap is `ranges` ranges of all 65,536 codes: under 1 KB for 1,000 of them. */
export function pdfWithToUnicodeRanges(ranges: number): Uint8Array {
  const cmap = `begincmap\n${ranges} beginbfrange\n${'<0000> <FFFF> <0000>\n'.repeat(ranges)}endbfrange\nendcmap\n`;
  return rawPdf([...ONE_PAGE, '<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /ToUnicode 5 0 R >>', streamObject(cmap), SHOW_ONE_CODE]);
}

/** A page in a CID font whose /W array gives `ranges` ranges of all 65,536 codes one width. */
export function pdfWithWidthRanges(ranges: number): Uint8Array {
  return rawPdf([
    ...ONE_PAGE,
    '<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /DescendantFonts [5 0 R] >>',
    `<< /Type /Font /Subtype /CIDFontType2 /W [${'0 65535 500 '.repeat(ranges)}] >>`,
    SHOW_ONE_CODE,
  ]);
}

/** A one-page PDF whose object stream holds one string of `size` bytes, deflated: 21 KB for 20 MB. */
export function pdfWithObjectStreamBomb(size: number): Uint8Array {
  const header = '5 0 ';
  const chunks: Uint8Array[] = [];
  const deflater = new Zlib({ level: 9 }, (chunk) => chunks.push(chunk));
  deflater.push(strToU8(`${header}(`));
  const run = new Uint8Array(MB).fill(0x41);
  for (let left = size; left > 0; left -= MB) deflater.push(left >= MB ? run : run.subarray(0, left));
  deflater.push(strToU8(')'), true);
  const data = concat(chunks);
  const content = 'BT 10 10 Td ET';
  const objectStream = concat([strToU8(`<< /Type /ObjStm /N 1 /First ${header.length} /Length ${data.length} /Filter /FlateDecode >>\nstream\n`), data, strToU8('\nendstream')]);
  return rawPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    objectStream,
  ]);
}
