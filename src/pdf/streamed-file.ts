import {
  PDFCatalog,
  PDFHeader,
  PDFInvalidObject,
  PDFName,
  PDFObjectStream,
  PDFPageLeaf,
  PDFPageTree,
  PDFStream,
  PDFTrailer,
  type PDFContext,
  type PDFObject,
  type PDFRef,
} from '@cantoo/pdf-lib';
import { deflate as portableDeflate, type Deflate } from '../deflate/compress.ts';
import { flateStream } from '../deflate/pdf-stream.ts';

/** Objects per object stream, as pdf-lib's own writer groups them. */
const OBJECTS_PER_STREAM = 50;
/** Finished bytes are gathered into blocks of this size rather than one small array per object. */
const BLOCK_BYTES = 64 * 1024;

/** An object's number in the file: a PDFRef, or a FileRef. */
export interface ObjectRef {
  readonly objectNumber: number;
  readonly generationNumber: number;
}

/**
 * An object number given out without pdf-lib's PDFRef pool, which keeps every
 * PDFRef ever made for the rest of the process: a long book's tens of
 * thousands of structure elements would stay there after the build.
 */
export class FileRef implements ObjectRef {
  readonly generationNumber = 0;

  constructor(readonly objectNumber: number) {}

  toString(): string {
    return `${this.objectNumber} 0 R`;
  }
}

const XREF_FREE = 0;
const XREF_AT_OFFSET = 1;
const XREF_IN_STREAM = 2;

/**
 * A PDF written out object by object while the book is still being laid out.
 * pdf-lib keeps every object until `save()`, so a book's memory grew with its
 * pages (page dictionaries, content streams, structure elements). Here an
 * object is serialised as soon as it is finished — a closed page, its content
 * stream, a chapter's structure elements — and dropped from pdf-lib's context;
 * `finish` writes what is left (fonts, catalog, outline, annotations) the way
 * pdf-lib's `save({ useObjectStreams: true })` does: streams, pages and the
 * catalog as plain objects, every other dictionary packed 50 to a compressed
 * object stream, then a cross-reference stream. The finished bytes are the
 * only thing that grows with the book.
 */
export class StreamedPdf {
  private blocks: Uint8Array[] = [];
  private block = new Uint8Array(BLOCK_BYTES);
  private used = 0;
  private size = 0;
  /** The cross-reference entry of each object number: kind, then offset (or object stream) and index. */
  private kinds = new Uint8Array(1024);
  private positions = new Float64Array(1024);
  private indices = new Uint16Array(1024);
  private batch: [ObjectRef, PDFObject][] = [];

  /** @param deflate compresses every stream of the file: its pages, forms, object streams and cross-reference stream. */
  constructor(
    private readonly context: PDFContext,
    readonly deflate: Deflate = portableDeflate,
  ) {
    const header = PDFHeader.forVersion(1, 7);
    const bytes = new Uint8Array(header.sizeInBytes() + 2);
    header.copyBytesInto(bytes, 0);
    bytes[bytes.length - 2] = 0x0a;
    bytes[bytes.length - 1] = 0x0a;
    this.append(bytes);
  }

  /** Writes the object at `ref` now and drops it from the context: nothing may change it afterwards. */
  write(ref: PDFRef): void {
    const object = this.context.lookup(ref);
    if (!object) throw new Error(`object ${ref} is not in the document`);
    this.context.delete(ref);
    this.writeObject(ref, object);
  }

  /** A new object number, for an object that will be written with `writeObject`. */
  newRef(): FileRef {
    return new FileRef(++this.context.largestObjectNumber);
  }

  /** Writes an object that never joins the context (its number from `newRef()` or `context.nextRef()`). */
  writeObject(ref: ObjectRef, object: PDFObject): void {
    if (stayOutsideObjectStreams(ref, object)) {
      this.record(ref.objectNumber, XREF_AT_OFFSET, this.size, 0);
      this.append(indirectObjectBytes(ref, object));
      return;
    }
    this.batch.push([ref, object]);
    if (this.batch.length === OBJECTS_PER_STREAM) this.writeBatch();
  }

  /**
   * Writes every object still in the context, then the cross-reference stream
   * and trailer, and returns the file as its blocks, in order (joining them
   * would hold the file twice). `trailer` holds /Root, /Info and /ID.
   */
  finish(trailer: { Root: PDFRef; Info?: PDFObject; ID?: PDFObject }): Uint8Array[] {
    for (const [ref, object] of this.context.enumerateIndirectObjects()) {
      this.context.delete(ref);
      this.writeObject(ref, object);
    }
    this.writeBatch();
    const xrefRef = this.context.nextRef();
    const count = this.context.largestObjectNumber + 1;
    const xrefOffset = this.size;
    this.record(xrefRef.objectNumber, XREF_AT_OFFSET, xrefOffset, 0);
    let largest = 0;
    for (let n = 0; n < count; n++) if (this.kinds[n] !== XREF_FREE) largest = Math.max(largest, this.positions[n]);
    const width = Math.max(1, Math.ceil(Math.log2(largest + 1) / 8));
    const rows = new Uint8Array(count * (3 + width));
    for (let n = 0, at = 0; n < count; n++) {
      const kind = this.kinds[n];
      rows[at++] = kind;
      // A free entry is the end of the free list, object 0 its head (generation 65535).
      let position = kind === XREF_FREE ? 0 : this.positions[n];
      for (let b = width - 1; b >= 0; b--) {
        rows[at + b] = position % 256;
        position = Math.floor(position / 256);
      }
      at += width;
      const index = n === 0 ? 0xffff : kind === XREF_IN_STREAM ? this.indices[n] : 0;
      rows[at++] = index >> 8;
      rows[at++] = index & 0xff;
    }
    const xref = flateStream(this.context, rows, { Type: 'XRef', Size: count, W: [1, width, 2], ...trailer }, this.deflate);
    this.append(indirectObjectBytes(xrefRef, xref));
    const end = PDFTrailer.forLastCrossRefSectionOffset(xrefOffset);
    const tail = new Uint8Array(end.sizeInBytes());
    end.copyBytesInto(tail, 0);
    this.append(tail);
    this.closeBlock();
    const blocks = this.blocks;
    this.blocks = [];
    return blocks;
  }

  /** Packs the waiting dictionaries into one compressed object stream. */
  private writeBatch(): void {
    if (!this.batch.length) return;
    const ref = this.context.nextRef();
    this.batch.forEach(([member], i) => this.record(member.objectNumber, XREF_IN_STREAM, ref.objectNumber, i));
    // The object stream reads only each member's object number.
    const plain = PDFObjectStream.withContextAndObjects(this.context, this.batch as [PDFRef, PDFObject][], false);
    const stream = flateStream(this.context, plain.getUnencodedContents(), { Type: 'ObjStm', N: this.batch.length, First: plain.dict.get(PDFName.of('First')) }, this.deflate);
    this.batch = [];
    this.record(ref.objectNumber, XREF_AT_OFFSET, this.size, 0);
    this.append(indirectObjectBytes(ref, stream));
  }

  private record(objectNumber: number, kind: number, position: number, index: number): void {
    if (objectNumber >= this.kinds.length) {
      const length = Math.max(objectNumber + 1, this.kinds.length * 2);
      this.kinds = grown(this.kinds, new Uint8Array(length));
      this.positions = grown(this.positions, new Float64Array(length));
      this.indices = grown(this.indices, new Uint16Array(length));
    }
    this.kinds[objectNumber] = kind;
    this.positions[objectNumber] = position;
    this.indices[objectNumber] = index;
  }

  private append(bytes: Uint8Array): void {
    this.size += bytes.length;
    if (bytes.length > BLOCK_BYTES / 4) {
      this.closeBlock();
      this.blocks.push(bytes);
      return;
    }
    if (this.used + bytes.length > BLOCK_BYTES) this.closeBlock();
    this.block.set(bytes, this.used);
    this.used += bytes.length;
  }

  private closeBlock(): void {
    if (!this.used) return;
    this.blocks.push(this.block.subarray(0, this.used));
    this.block = new Uint8Array(BLOCK_BYTES);
    this.used = 0;
  }
}

/** What pdf-lib's writer keeps out of object streams: streams, the catalog and the page tree. */
function stayOutsideObjectStreams(ref: ObjectRef, object: PDFObject): boolean {
  return (
    object instanceof PDFStream ||
    object instanceof PDFInvalidObject ||
    object instanceof PDFCatalog ||
    object instanceof PDFPageTree ||
    object instanceof PDFPageLeaf ||
    ref.generationNumber !== 0
  );
}

/** `n 0 obj … endobj` with the blank line pdf-lib puts after each object. */
function indirectObjectBytes(ref: ObjectRef, object: PDFObject): Uint8Array {
  const head = `${ref.objectNumber} ${ref.generationNumber} obj\n`;
  const tail = '\nendobj\n\n';
  const bytes = new Uint8Array(head.length + object.sizeInBytes() + tail.length);
  let at = ascii(head, bytes, 0);
  at += object.copyBytesInto(bytes, at);
  ascii(tail, bytes, at);
  return bytes;
}

function ascii(text: string, bytes: Uint8Array, at: number): number {
  for (let i = 0; i < text.length; i++) bytes[at + i] = text.charCodeAt(i);
  return text.length;
}

function grown<T extends Uint8Array | Uint16Array | Float64Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}
