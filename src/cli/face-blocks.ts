/**
 * Cuts a TrueType face into one small face per block of code points, so a
 * build reads only the blocks holding the characters its book uses (Hanazono
 * Mincho A: 22.7 MB whole, 153 bytes to 654 KB a block). Our own code: fontkit's
 * subsets carry no cmap, and fontTools is not a dependency.
 *
 * A block face keeps the tables a PDF subset and a renderer need (head, hhea,
 * maxp, OS/2, name, post without glyph names, hinting: cvt, fpgm, prep, gasp)
 * and gets its own cmap, hmtx, loca and glyf holding only its glyphs; layout
 * tables (GSUB, vertical metrics) are left out, as the fallback faces draw one
 * glyph per character.
 */

interface TableRecord {
  offset: number;
  length: number;
}

/** The tables copied unchanged into every block face, where the source has them. */
const COPIED = ['OS/2', 'cvt ', 'fpgm', 'gasp', 'name', 'prep'];

/**
 * Splits `bytes` into faces of the code points `wanted` accepts, keyed by the
 * first code point of their block of `blockSize`. Blocks without such a code
 * point get no face.
 */
export function splitFaceIntoBlocks(bytes: Uint8Array, blockSize: number, wanted: (codePoint: number) => boolean): Map<number, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tables = readTableDirectory(view);
  const table = (tag: string): TableRecord => {
    const record = tables.get(tag);
    if (!record) throw new Error(`the font has no ${tag} table`);
    return record;
  };
  const head = table('head');
  const longLoca = view.getInt16(head.offset + 50) === 1;
  const loca = table('loca').offset;
  const glyf = table('glyf').offset;
  const glyphStart = (gid: number) => (longLoca ? view.getUint32(loca + gid * 4) : view.getUint16(loca + gid * 2) * 2);
  const hmtx = table('hmtx').offset;
  const longMetrics = view.getUint16(table('hhea').offset + 34);

  const byBlock = new Map<number, [codePoint: number, gid: number][]>();
  for (const [codePoint, gid] of cmapEntries(view, table('cmap').offset)) {
    if (gid === 0 || !wanted(codePoint)) continue;
    const block = codePoint - (codePoint % blockSize);
    let entries = byBlock.get(block);
    if (!entries) byBlock.set(block, (entries = []));
    entries.push([codePoint, gid]);
  }

  const faces = new Map<number, Uint8Array>();
  for (const [block, entries] of byBlock) {
    entries.sort((a, b) => a[0] - b[0]);
    // Glyph 0 (.notdef) stays first; each source glyph once, even when two code points share it.
    const glyphs = [0];
    const newId = new Map<number, number>([[0, 0]]);
    for (const [, gid] of entries) if (!newId.has(gid)) newId.set(gid, glyphs.push(gid) - 1);

    // Outlines on 4-byte boundaries, in one buffer: offsets first, then the copies.
    const offsets = new DataView(new ArrayBuffer((glyphs.length + 1) * 4));
    const widths = new DataView(new ArrayBuffer(glyphs.length * 4));
    let size = 0;
    for (let index = 0; index < glyphs.length; index++) {
      const gid = glyphs[index];
      offsets.setUint32(index * 4, size);
      size += (glyphStart(gid + 1) - glyphStart(gid) + 3) & ~3;
      const long = Math.min(gid, longMetrics - 1);
      widths.setUint16(index * 4, view.getUint16(hmtx + long * 4));
      widths.setInt16(index * 4 + 2, gid < longMetrics ? view.getInt16(hmtx + gid * 4 + 2) : view.getInt16(hmtx + longMetrics * 4 + (gid - longMetrics) * 2));
    }
    offsets.setUint32(glyphs.length * 4, size);
    const outlines = new Uint8Array(size);
    for (let index = 0; index < glyphs.length; index++) {
      const start = glyf + glyphStart(glyphs[index]);
      const end = glyf + glyphStart(glyphs[index] + 1);
      if (end - start >= 2 && view.getInt16(start) < 0) throw new Error(`glyph ${glyphs[index]} is composite, which splitting does not support`);
      outlines.set(bytes.subarray(start, end), offsets.getUint32(index * 4));
    }

    // Copies, never views: a Node Buffer's slice() is a view, and the head, hhea, maxp and post copies are changed below.
    const copy = (tag: string, length = table(tag).length) => new Uint8Array(bytes.subarray(table(tag).offset, table(tag).offset + length));
    const headBytes = copy('head');
    const headView = new DataView(headBytes.buffer);
    headView.setUint32(8, 0); // checkSumAdjustment, set once the whole face is written
    headView.setInt16(50, 1); // long loca offsets
    const hhea = copy('hhea');
    new DataView(hhea.buffer).setUint16(34, glyphs.length);
    const maxp = copy('maxp');
    new DataView(maxp.buffer).setUint16(4, glyphs.length);
    const post = copy('post', 32);
    new DataView(post.buffer).setUint32(0, 0x00030000); // version 3: no glyph names

    const out = new Map<string, Uint8Array>([
      ['cmap', formatTwelveCmap(entries.map(([codePoint, gid]) => [codePoint, newId.get(gid)!]))],
      ['glyf', outlines],
      ['head', headBytes],
      ['hhea', hhea],
      ['hmtx', new Uint8Array(widths.buffer)],
      ['loca', new Uint8Array(offsets.buffer)],
      ['maxp', maxp],
      ['post', post],
    ]);
    for (const tag of COPIED) if (tables.has(tag)) out.set(tag, copy(tag));
    faces.set(block, writeFont(out));
  }
  return faces;
}

function readTableDirectory(view: DataView): Map<string, TableRecord> {
  const tables = new Map<string, TableRecord>();
  const count = view.getUint16(4);
  for (let i = 0; i < count; i++) {
    const at = 12 + i * 16;
    const tag = String.fromCharCode(view.getUint8(at), view.getUint8(at + 1), view.getUint8(at + 2), view.getUint8(at + 3));
    tables.set(tag, { offset: view.getUint32(at + 8), length: view.getUint32(at + 12) });
  }
  return tables;
}

/** Every (code point, glyph) pair of the face's full-Unicode cmap subtable (platform 3, encoding 10, format 12). */
function* cmapEntries(view: DataView, cmap: number): Generator<[number, number]> {
  const count = view.getUint16(cmap + 2);
  for (let i = 0; i < count; i++) {
    const record = cmap + 4 + i * 8;
    const subtable = cmap + view.getUint32(record + 4);
    if (view.getUint16(record) !== 3 || view.getUint16(record + 2) !== 10 || view.getUint16(subtable) !== 12) continue;
    const groups = view.getUint32(subtable + 12);
    for (let g = 0; g < groups; g++) {
      const at = subtable + 16 + g * 12;
      const first = view.getUint32(at);
      const last = view.getUint32(at + 4);
      const gid = view.getUint32(at + 8);
      for (let codePoint = first; codePoint <= last; codePoint++) yield [codePoint, gid + codePoint - first];
    }
    return;
  }
  throw new Error('the font has no full-Unicode cmap (platform 3, encoding 10, format 12)');
}

/** A cmap with one format 12 subtable for `entries`, sorted by code point: runs of consecutive code points and glyphs make one group. */
function formatTwelveCmap(entries: [number, number][]): Uint8Array {
  const groups: [first: number, last: number, gid: number][] = [];
  for (const [codePoint, gid] of entries) {
    const last = groups.at(-1);
    if (last && codePoint === last[1] + 1 && gid === last[2] + codePoint - last[0]) last[1] = codePoint;
    else groups.push([codePoint, codePoint, gid]);
  }
  const length = 16 + groups.length * 12;
  const view = new DataView(new ArrayBuffer(12 + length));
  view.setUint16(2, 1); // version 0, one subtable
  view.setUint16(4, 3);
  view.setUint16(6, 10);
  view.setUint32(8, 12);
  view.setUint16(12, 12); // format 12
  view.setUint32(16, length);
  view.setUint32(24, groups.length);
  groups.forEach(([first, last, gid], i) => {
    view.setUint32(28 + i * 12, first);
    view.setUint32(32 + i * 12, last);
    view.setUint32(36 + i * 12, gid);
  });
  return new Uint8Array(view.buffer);
}

/** An sfnt of these tables: the directory sorted by tag, each table on a 4-byte boundary, checksums and head's adjustment set. */
function writeFont(tables: Map<string, Uint8Array>): Uint8Array {
  const tags = [...tables.keys()].sort();
  const count = tags.length;
  const log2 = Math.floor(Math.log2(count));
  let size = 12 + count * 16;
  for (const tag of tags) size += (tables.get(tag)!.length + 3) & ~3;
  const font = new Uint8Array(size);
  const view = new DataView(font.buffer);
  view.setUint32(0, 0x00010000);
  view.setUint16(4, count);
  view.setUint16(6, 16 * 2 ** log2);
  view.setUint16(8, log2);
  view.setUint16(10, count * 16 - 16 * 2 ** log2);
  let offset = 12 + count * 16;
  let headOffset = 0;
  tags.forEach((tag, i) => {
    const data = tables.get(tag)!;
    font.set(data, offset);
    const record = 12 + i * 16;
    for (let c = 0; c < 4; c++) view.setUint8(record + c, tag.charCodeAt(c));
    view.setUint32(record + 4, checksum(view, offset, data.length));
    view.setUint32(record + 8, offset);
    view.setUint32(record + 12, data.length);
    if (tag === 'head') headOffset = offset;
    offset += (data.length + 3) & ~3;
  });
  view.setUint32(headOffset + 8, (0xb1b0afba - checksum(view, 0, size)) >>> 0);
  return font;
}

function checksum(view: DataView, offset: number, length: number): number {
  let sum = 0;
  for (let at = offset; at < offset + length; at += 4) sum = (sum + (at + 4 <= view.byteLength ? view.getUint32(at) : 0)) >>> 0;
  return sum;
}
