import { deflate as portableDeflate, deflateData, type Deflate } from '../deflate/compress.ts';
import { crc32, joinBytes } from '../bytes.ts';

export interface ZipEntry {
  path: string;
  data: Uint8Array;
  /** Kept as is rather than deflated: media that is compressed already gains nothing. */
  stored?: boolean;
}

const UTF8_NAMES = 0x0800;
const STORE = 0;
const DEFLATE = 8;

/**
 * An EPUB container, written by the EPUB writer and again by the stamper:
 * `mimetype` first, stored and without extra fields (readers sniff its bytes
 * at offset 38), the other entries in the given order, every entry stamped
 * with the same time (its UTC fields, so any machine writes the same bytes).
 * `deflate` is our own (src/deflate), which runs everywhere and keeps its
 * tables from entry to entry, unless the runtime passes a native one (the
 * CLI passes Node's zlib, which does in 20 ms what a JavaScript deflate does
 * in 60–70 ms warm, more in a fresh process while V8 compiles it).
 */
export function zipEpub(entries: readonly ZipEntry[], modified: Date, deflate: Deflate = portableDeflate): Uint8Array {
  const encoder = new TextEncoder();
  const { time, date } = dosDateTime(modified);
  const all: ZipEntry[] = [{ path: 'mimetype', data: encoder.encode('application/epub+zip'), stored: true }, ...entries];
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const entry of all) {
    const name = encoder.encode(entry.path);
    const deflated = entry.stored ? null : deflateData(deflate(entry.data));
    // A file that deflate would grow is stored, as zip tools do.
    const method = deflated && deflated.length < entry.data.length ? DEFLATE : STORE;
    const body = method === DEFLATE ? deflated! : entry.data;
    const fields = { flags: /[^\x20-\x7e]/.test(entry.path) ? UTF8_NAMES : 0, method, time, date, crc: crc32(entry.data), size: body.length, rawSize: entry.data.length };
    const local = new Uint8Array(30 + name.length);
    const view = new DataView(local.buffer);
    view.setUint32(0, 0x04034b50, true);
    writeCommon(view, 4, fields, name.length);
    local.set(name, 30);
    const central = new Uint8Array(46 + name.length);
    const cview = new DataView(central.buffer);
    cview.setUint32(0, 0x02014b50, true);
    cview.setUint16(4, 20, true); // made by: MS-DOS attributes, spec 2.0
    writeCommon(cview, 6, fields, name.length);
    cview.setUint32(42, offset, true);
    central.set(name, 46);
    locals.push(local, body);
    centrals.push(central);
    offset += local.length + body.length;
  }
  const centralSize = centrals.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const eview = new DataView(end.buffer);
  eview.setUint32(0, 0x06054b50, true);
  eview.setUint16(8, all.length, true);
  eview.setUint16(10, all.length, true);
  eview.setUint32(12, centralSize, true);
  eview.setUint32(16, offset, true);
  return joinBytes([...locals, ...centrals, end]);
}

interface EntryFields {
  flags: number;
  method: number;
  time: number;
  date: number;
  crc: number;
  size: number;
  rawSize: number;
}

/** The fields a local header (from offset 4) and a central directory entry (from offset 6) share, then the name length. */
function writeCommon(view: DataView, at: number, f: EntryFields, nameLength: number): void {
  view.setUint16(at, 20, true); // version needed: 2.0 (deflate)
  view.setUint16(at + 2, f.flags, true);
  view.setUint16(at + 4, f.method, true);
  view.setUint16(at + 6, f.time, true);
  view.setUint16(at + 8, f.date, true);
  view.setUint32(at + 10, f.crc, true);
  view.setUint32(at + 14, f.size, true);
  view.setUint32(at + 18, f.rawSize, true);
  view.setUint16(at + 22, nameLength, true);
}

/** A zip's MS-DOS time and date from a date's UTC fields, clamped to the years a zip can hold (1980–2107). */
function dosDateTime(modified: Date): { time: number; date: number } {
  const d = new Date(Math.min(Date.UTC(2107, 11, 31, 23, 59, 58), Math.max(Date.UTC(1980, 0, 1), modified.getTime())));
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

