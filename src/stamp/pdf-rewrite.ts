/**
 * Reads and writes one of Bindery's own PDFs object by object, for stamping.
 * Reading parses only what a stamp reads (the page tree, the pages' content,
 * fonts and resources, Info and XMP) and not the structure tree, outline or
 * annotations that make up most of a tagged book's ~10,000 objects. Writing
 * copies every object the stamp did not touch byte for byte from the edition
 * and serialises only the ones it changed or added: a whole save through
 * pdf-lib re-serialised and re-deflated every object on every download. The
 * result is one revision with one cross-reference stream: nothing unstamped
 * is left to recover by truncation.
 *
 * Only a file with one cross-reference stream (what the PDF writer produces)
 * is read this way; `readObjectMap` answers null for any other, and the
 * caller loads and saves it whole through pdf-lib instead.
 */
import { PDFArray, PDFContext, PDFDict, PDFDocument, PDFName, PDFNumber, PDFObjectParser, PDFObjectStream, PDFObjectStreamParser, PDFRawStream, PDFRef, PDFStream, type PDFObject } from '@cantoo/pdf-lib';
import { pushAll } from '../arrays.ts';
import { includesAscii, joinBytes } from '../bytes.ts';
import { deflate } from '../deflate/compress.ts';
import { streamBytes, OWN_FILE } from './pdf-syntax.ts';

/** Where each object of the edition is: written plainly at a byte range, or packed in an object stream at an index. */
export interface ObjectMap {
  plain: Map<number, { start: number; end: number }>;
  packed: Map<number, { stream: number; index: number }>;
  /** The cross-reference stream's own object number: never copied. */
  xrefObject: number;
  /** The cross-reference stream's dictionary: the trailer (Root, Info, ID, Size). */
  trailer: PDFDict;
  /** The bytes before the first object: the header and its binary comment. */
  headerEnd: number;
  /** The highest object number the file uses. */
  largestObject: number;
}

/** Objects per new object stream, as pdf-lib packs them. */
const OBJECTS_PER_STREAM = 50;
const LATIN1 = new TextDecoder('latin1');

/**
 * The edition's object map, read from its cross-reference stream; null when
 * the file is not a single revision indexed by one cross-reference stream
 * whose every plain entry points at its object's header.
 */
export function readObjectMap(bytes: Uint8Array): ObjectMap | null {
  const tail = LATIN1.decode(bytes.subarray(Math.max(0, bytes.length - 64)));
  const startxref = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
  if (!startxref) return null;
  const xrefAt = Number(startxref[1]);
  const header = /^(\d+) 0 obj\b/.exec(LATIN1.decode(bytes.subarray(xrefAt, xrefAt + 24)));
  if (!header) return null;
  const xrefObject = Number(header[1]);
  let xref: PDFObject;
  try {
    xref = parseObjectAt(bytes, xrefAt, xrefObject, PDFContext.create());
  } catch {
    return null;
  }
  if (!(xref instanceof PDFRawStream) || xref.dict.has(PDFName.of('Prev')) || xref.dict.has(PDFName.of('Encrypt'))) return null;
  // An object stream that extends another would point at one the copy may repack and free: such files are saved whole.
  if (includesAscii(bytes, '/Extends')) return null;
  const widths = numbers(xref.dict.get(PDFName.of('W')));
  const size = xref.dict.get(PDFName.of('Size'));
  const index = numbers(xref.dict.get(PDFName.of('Index'))) ?? (size instanceof PDFNumber ? [0, size.asNumber()] : null);
  const table = streamBytes(xref, OWN_FILE);
  if (!widths || widths.length !== 3 || widths[0] > 1 || widths[1] > 6 || widths[2] > 4 || !index || !table) return null;
  const entrySize = widths[0] + widths[1] + widths[2];
  const field = (at: number, width: number, absent: number) => {
    let value = width === 0 ? absent : 0;
    for (let k = 0; k < width; k++) value = value * 256 + table[at + k];
    return value;
  };
  const plainAt = new Map<number, number>();
  const packed = new Map<number, { stream: number; index: number }>();
  let at = 0;
  for (let s = 0; s + 1 < index.length; s += 2) {
    for (let n = index[s]; n < index[s] + index[s + 1]; n++, at += entrySize) {
      if (at + entrySize > table.length) return null;
      const type = field(at, widths[0], 1);
      const second = field(at + widths[0], widths[1], 0);
      const third = field(at + widths[0] + widths[1], widths[2], 0);
      if (type === 1 && n !== xrefObject) {
        if (third !== 0) return null;
        plainAt.set(n, second);
      } else if (type === 2) {
        // The copy's cross-reference stream writes an index in 2 bytes.
        if (third > 0xffff) return null;
        packed.set(n, { stream: second, index: third });
      }
    }
  }
  // Each plain object runs to where the next one (or the cross-reference stream) starts.
  const starts = [...plainAt.values(), xrefAt].sort((a, b) => a - b);
  const plain = new Map<number, { start: number; end: number }>();
  for (const [n, start] of plainAt) {
    // Objects after the cross-reference stream would belong to an update section; offsets past 4 GB do not fit the copy's 4-byte fields.
    if (start >= xrefAt || xrefAt > 0xffffffff || !startsObject(bytes, start, n)) return null;
    const next = starts[lowerBound(starts, start + 1)];
    plain.set(n, { start, end: next });
  }
  return { plain, packed, xrefObject, trailer: xref.dict, headerEnd: starts[0], largestObject: Math.max(xrefObject, ...[...index.keys()].filter((k) => k % 2 === 0).map((k) => index[k] + index[k + 1] - 1)) };
}

/** Keys a stamp does not follow further than the object they name: the structure tree, outline, annotations and name trees it leaves as they are. */
const UNREAD = new Set(['StructTreeRoot', 'Outlines', 'Annots', 'Names', 'Dests', 'AcroForm', 'Parent'].map((key) => PDFName.of(key)));

/**
 * The edition as a pdf-lib document holding only what a stamp reads: the
 * objects reachable from the trailer's Root and Info, not through UNREAD keys
 * (an object packed in an object stream comes with the stream's others).
 * New objects are numbered after the file's last.
 */
export async function loadForStamp(bytes: Uint8Array, map: ObjectMap): Promise<PDFDocument> {
  const context = PDFContext.create();
  const trailer = (key: string) => map.trailer.get(PDFName.of(key));
  context.trailerInfo = { Root: trailer('Root'), Info: trailer('Info'), ID: trailer('ID') };
  const parsed = new Set<number>();
  const walked = new Set<number>();
  const pending: PDFObject[] = [trailer('Root'), trailer('Info')].filter((ref): ref is PDFRef => ref instanceof PDFRef);
  while (pending.length) {
    const object = pending.pop()!;
    if (object instanceof PDFRef) {
      const n = object.objectNumber;
      if (walked.has(n)) continue;
      walked.add(n);
      if (!parsed.has(n)) await parseInto(context, bytes, map, n, parsed);
      const target = context.lookup(object);
      if (target) pending.push(target);
    } else if (object instanceof PDFDict) {
      for (const [key, value] of object.entries()) {
        if (!UNREAD.has(key)) pending.push(value);
        // Parsed but not walked: pdf-lib reads a page's /Annots when it adds a font, and puts an empty array in place of one it cannot find.
        else if (value instanceof PDFRef && !parsed.has(value.objectNumber)) await parseInto(context, bytes, map, value.objectNumber, parsed);
      }
    } else if (object instanceof PDFArray) pushAll(pending, object.asArray());
    else if (object instanceof PDFStream) pending.push(object.dict);
  }
  context.largestObjectNumber = Math.max(context.largestObjectNumber, map.largestObject);
  // pdf-lib makes documents only by parsing a whole file; this one was parsed in part, by the same parsers.
  return Reflect.construct(PDFDocument, [context, false, false]) as PDFDocument;
}

/** Parses object `n` into `context`: alone when written plainly, with the others of its object stream when packed. */
async function parseInto(context: PDFContext, bytes: Uint8Array, map: ObjectMap, n: number, parsed: Set<number>): Promise<void> {
  const packed = map.packed.get(n);
  const holder = packed ? packed.stream : n;
  const at = map.plain.get(holder);
  if (!at) throw new Error(`object ${n} 0 R is not in the file`);
  const object = parseObjectAt(bytes, at.start, holder, context);
  if (!packed) {
    context.assign(PDFRef.of(n), object);
    parsed.add(n);
    return;
  }
  if (!(object instanceof PDFRawStream)) throw new Error(`object ${holder} 0 R is not an object stream`);
  await PDFObjectStreamParser.forStream(object).parseIntoContext();
  for (const [member, where] of map.packed) if (where.stream === holder) parsed.add(member);
}

/** The object whose header `n 0 obj` starts at `at`. */
function parseObjectAt(bytes: Uint8Array, at: number, n: number, context: PDFContext): PDFObject {
  return PDFObjectParser.forBytes(bytes.subarray(at + `${n} 0 obj`.length), context).parseObject(PDFRef.of(n));
}

/**
 * The stamped file: the edition's header, then every unchanged object (and
 * every object stream none of whose objects changed) copied from the edition,
 * then the `changed` objects, the ones the stamp registered after the
 * edition's last, and the other objects of any object stream a changed one
 * was packed in, read from `context`; then a new cross-reference stream.
 * Objects in `removed` are left out.
 */
export function rewritePdf(bytes: Uint8Array, map: ObjectMap, context: PDFContext, changed: Set<number>, removed: Set<number>): Uint8Array {
  // A trailer's Info must be an indirect object; one given directly is written as a new one.
  const info = context.trailerInfo.Info;
  if (info && !(info instanceof PDFRef)) context.trailerInfo.Info = context.register(info);
  const repacked = new Set<number>();
  for (const n of [...changed, ...removed]) {
    const where = map.packed.get(n);
    if (where) repacked.add(where.stream);
  }
  const out = new ByteSink();
  out.copy(bytes.subarray(0, map.headerEnd));
  const entries = new Map<number, Entry>();
  for (const [n, { start, end }] of map.plain) {
    if (changed.has(n) || removed.has(n) || repacked.has(n)) continue;
    entries.set(n, { type: 1, offset: out.length });
    out.copy(bytes.subarray(start, end));
  }
  for (const [n, { stream, index }] of map.packed) {
    if (!repacked.has(stream) && !removed.has(n)) entries.set(n, { type: 2, stream, index });
  }
  // What is written anew: changed objects, new ones, and the neighbours of changed objects in their old object streams.
  const fresh: [PDFRef, PDFObject][] = [];
  for (const [ref, object] of context.enumerateIndirectObjects()) {
    const n = ref.objectNumber;
    if (removed.has(n) || n === map.xrefObject || repacked.has(n)) continue;
    const where = map.packed.get(n);
    if (changed.has(n) || (where && repacked.has(where.stream)) || (!where && !map.plain.has(n))) fresh.push([ref, object]);
  }
  const loose: [PDFRef, PDFObject][] = [];
  for (const entry of fresh) {
    if (entry[1] instanceof PDFStream) {
      entries.set(entry[0].objectNumber, { type: 1, offset: out.length });
      out.object(entry[0], entry[1]);
    } else loose.push(entry);
  }
  for (let i = 0; i < loose.length; i += OBJECTS_PER_STREAM) {
    const chunk = loose.slice(i, i + OBJECTS_PER_STREAM);
    const ref = context.nextRef();
    chunk.forEach(([member], index) => entries.set(member.objectNumber, { type: 2, stream: ref.objectNumber, index }));
    entries.set(ref.objectNumber, { type: 1, offset: out.length });
    out.object(ref, PDFObjectStream.withContextAndObjects(context, chunk, true));
  }
  const xrefRef = context.nextRef();
  const xrefOffset = out.length;
  entries.set(xrefRef.objectNumber, { type: 1, offset: xrefOffset });
  out.object(xrefRef, crossReferenceStream(context, entries));
  out.text(`startxref\n${xrefOffset}\n%%EOF\n`);
  return out.bytes();
}

type Entry = { type: 1; offset: number } | { type: 2; stream: number; index: number };

/** The cross-reference stream for `entries` (one subsection from 0, free entries for the numbers no longer used), carrying the trailer. */
function crossReferenceStream(context: PDFContext, entries: Map<number, Entry>): PDFRawStream {
  let size = 0;
  // A loop, not Math.max(...keys): spreading a big book's 100,000-odd numbers overflows the call stack.
  for (const n of entries.keys()) size = Math.max(size, n + 1);
  const table = new Uint8Array(size * 7);
  for (let n = 0; n < size; n++) {
    const entry = entries.get(n);
    const at = n * 7;
    if (!entry) {
      // Free: object 0 heads the (empty) free list with generation 65535, the others are simply unused.
      if (n === 0) table.set([0, 0, 0, 0, 0, 0xff, 0xff], at);
      continue;
    }
    const [second, third] = entry.type === 1 ? [entry.offset, 0] : [entry.stream, entry.index];
    table.set([entry.type, second >>> 24, (second >>> 16) & 0xff, (second >>> 8) & 0xff, second & 0xff, third >>> 8, third & 0xff], at);
  }
  const { Root, Info, ID } = context.trailerInfo;
  const dict = context.obj({ Type: 'XRef', Size: size, W: [1, 4, 2], Index: [0, size], Filter: 'FlateDecode', Root, ...(Info ? { Info } : {}), ...(ID ? { ID } : {}) });
  return PDFRawStream.of(dict, deflate(table));
}

/** Bytes written in order, with each part's offset known as it is added. */
class ByteSink {
  private parts: Uint8Array[] = [];
  length = 0;

  copy(part: Uint8Array): void {
    this.parts.push(part);
    this.length += part.length;
  }

  text(text: string): void {
    this.copy(new TextEncoder().encode(text));
  }

  object(ref: PDFRef, object: PDFObject): void {
    this.text(`${ref.objectNumber} ${ref.generationNumber} obj\n`);
    const body = new Uint8Array(object.sizeInBytes());
    object.copyBytesInto(body, 0);
    this.copy(body);
    this.text('\nendobj\n');
  }

  bytes(): Uint8Array {
    return joinBytes(this.parts);
  }
}

/** The numbers of a PDF array, or null when it is not an array of numbers. */
function numbers(object: PDFObject | undefined): number[] | null {
  if (!(object instanceof PDFArray)) return null;
  const values = object.asArray().map((item) => (item instanceof PDFNumber ? item.asNumber() : NaN));
  return values.every(Number.isInteger) ? values : null;
}

/** Whether `n 0 obj` starts at `at`. */
function startsObject(bytes: Uint8Array, at: number, n: number): boolean {
  const expected = `${n} 0 obj`;
  for (let k = 0; k < expected.length; k++) if (bytes[at + k] !== expected.charCodeAt(k)) return false;
  return true;
}

/** The first index of sorted `values` holding a value ≥ `target`. */
function lowerBound(values: number[], target: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (values[mid] < target) low = mid + 1;
    else high = mid;
  }
  return low;
}
