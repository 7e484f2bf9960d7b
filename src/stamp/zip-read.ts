import { Inflate, strFromU8 } from 'fflate';
import { BinderyError } from '../errors.ts';

/**
 * What reading one archive may cost. The sizes the zip declares are checked
 * before inflating, and enforced while inflating, so a lying header cannot
 * get more than it declared.
 */
export interface ZipLimits {
  /** Most entries the central directory may list. */
  maxEntries: number;
  /** Largest inflated size of one entry, in bytes. */
  maxEntryBytes: number;
  /** Largest inflated size of everything read from the archive together, in bytes. */
  maxTotalBytes: number;
  /** Largest inflated:compressed ratio of an entry over 1 MB (text in books stays far below 100:1). */
  maxRatio: number;
}

/** One file in the archive, as its central directory describes it. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  /** The inflated size the archive declares. */
  size: number;
  /** Where the entry's local header starts. */
  headerOffset: number;
}

const RATIO_FLOOR = 1024 * 1024;
/** Deflate's best case: one 258-byte match per ~2 bits. Feeding the inflater at most budget/1032 bytes at a time keeps it from overshooting a cap by more than one step. */
const DEFLATE_MAX_RATIO = 1032;
const MIN_STEP = 1024;
const MAX_STEP = 64 * 1024;

const u16 = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);
const u32 = (b: Uint8Array, at: number) => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
const mb = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`);
const refuse = (message: string, entry?: string) => new BinderyError('invalid-input', entry === undefined ? message : `the zip entry "${entry}" ${message}`);

/**
 * Reads entries of a zip on demand, within limits: only what is asked for is
 * inflated, never more than the caps allow in all.
 *
 * @example
 * const zip = new ZipReader(bytes, { maxEntries: 10_000, maxEntryBytes: 16 << 20, maxTotalBytes: 16 << 20, maxRatio: 100 })
 * const container = zip.read('META-INF/container.xml')
 */
export class ZipReader {
  /** The archive's entries by name, read from the central directory. */
  readonly entries: ReadonlyMap<string, ZipEntry>;
  readonly #bytes: Uint8Array;
  readonly #limits: ZipLimits;
  #inflated = 0;

  /** Throws BinderyError('invalid-input') when the bytes are not a zip this reader accepts. */
  constructor(bytes: Uint8Array, limits: ZipLimits) {
    this.#bytes = bytes;
    this.#limits = limits;
    this.entries = centralDirectory(bytes, limits.maxEntries);
  }

  /** Bytes inflated so far, including a refused entry's partial output: the most this reader has held. */
  get inflatedBytes(): number {
    return this.#inflated;
  }

  /** The entry's contents, or undefined when the archive has no such entry. */
  read(name: string): Uint8Array | undefined {
    const entry = this.entries.get(name);
    return entry && this.#read(entry);
  }

  /** Every entry, in central directory order; refused up front when their declared sizes together exceed the total cap. */
  readAll(): Map<string, Uint8Array> {
    let declared = this.#inflated;
    for (const entry of this.entries.values()) declared += entry.size;
    if (declared > this.#limits.maxTotalBytes) throw refuse(`the archive inflates to ${mb(declared)}, over the ${mb(this.#limits.maxTotalBytes)} limit`);
    return new Map([...this.entries.values()].map((entry) => [entry.name, this.#read(entry)]));
  }

  #read(entry: ZipEntry): Uint8Array {
    const { maxEntryBytes, maxTotalBytes, maxRatio } = this.#limits;
    const { name, size, compressedSize } = entry;
    if (size > maxEntryBytes) throw refuse(`inflates to ${mb(size)}, over the ${mb(maxEntryBytes)} limit for one entry`, name);
    if (this.#inflated + size > maxTotalBytes) throw refuse(`the archive inflates to more than ${mb(maxTotalBytes)}`);
    if (size > RATIO_FLOOR && size > compressedSize * maxRatio) throw refuse(`is compressed more than ${maxRatio}:1, refused as a likely zip bomb`, name);
    const data = this.#data(entry);
    if (entry.method === 0) {
      if (compressedSize !== size) throw refuse('is stored with two different sizes', name);
      this.#inflated += size;
      return data.slice();
    }
    if (entry.method !== 8) throw refuse(`uses compression method ${entry.method}; only stored and deflated entries are read`, name);
    return this.#inflate(data, entry);
  }

  /** The entry's compressed bytes, located through its local header. */
  #data({ name, headerOffset, compressedSize }: ZipEntry): Uint8Array {
    const bytes = this.#bytes;
    if (headerOffset + 30 > bytes.length || u32(bytes, headerOffset) !== 0x04034b50) throw refuse('has no local header where the central directory says', name);
    const start = headerOffset + 30 + u16(bytes, headerOffset + 26) + u16(bytes, headerOffset + 28);
    if (start + compressedSize > bytes.length) throw refuse('runs past the end of the archive', name);
    return bytes.subarray(start, start + compressedSize);
  }

  /** Inflates into a buffer of the declared size, stopping as soon as the data would outgrow it. */
  #inflate(data: Uint8Array, { name, size }: ZipEntry): Uint8Array {
    const out = new Uint8Array(size);
    let result: ReturnType<typeof inflateInto>;
    try {
      result = inflateInto(data, out);
    } catch (err) {
      throw new BinderyError('invalid-input', `the zip entry "${name}" is damaged (its deflate data does not decode)`, {}, { cause: err });
    }
    this.#inflated += result.produced;
    if (result.overflow) throw refuse('inflates past the size its zip header declares', name);
    if (result.produced !== size) throw refuse(`inflates to ${result.produced} bytes where its zip header declares ${size}`, name);
    return out;
  }
}

/**
 * Inflates raw deflate data into `out`, stopping as soon as the output would
 * outgrow it (`overflow`): the input is fed in steps small enough that no step
 * can inflate to much more than the room left. Throws on damaged data.
 */
export function inflateInto(data: Uint8Array, out: Uint8Array): { produced: number; overflow: boolean } {
  let produced = 0;
  let overflow = false;
  const inflater = new Inflate((chunk) => {
    if (produced + chunk.length > out.length) {
      overflow = true;
      return;
    }
    out.set(chunk, produced);
    produced += chunk.length;
  });
  for (let at = 0; at < data.length && !overflow; ) {
    const step = Math.min(MAX_STEP, Math.max(MIN_STEP, Math.floor((out.length - produced) / DEFLATE_MAX_RATIO)));
    const end = Math.min(data.length, at + step);
    inflater.push(data.subarray(at, end), end === data.length);
    at = end;
  }
  return { produced, overflow };
}

/** The entries the end-of-central-directory record points to. Zip64 is refused: a book under 4 GB never needs it. */
function centralDirectory(bytes: Uint8Array, maxEntries: number): Map<string, ZipEntry> {
  let eocd = bytes.length - 22;
  const stop = Math.max(0, bytes.length - 22 - 0xffff);
  while (eocd >= stop && u32(bytes, eocd) !== 0x06054b50) eocd--;
  if (eocd < stop) throw refuse('the file is not a zip archive (no central directory)');
  const count = u16(bytes, eocd + 10);
  const offset = u32(bytes, eocd + 16);
  if (count === 0xffff || offset === 0xffffffff) throw refuse('zip64 archives are not supported');
  if (count > maxEntries) throw refuse(`the archive lists ${count} entries, over the limit of ${maxEntries}`);
  const entries = new Map<string, ZipEntry>();
  for (let at = offset, i = 0; i < count; i++) {
    if (at + 46 > eocd || u32(bytes, at) !== 0x02014b50) throw refuse('the zip central directory is damaged');
    const flags = u16(bytes, at + 8);
    const nameLength = u16(bytes, at + 28);
    if (at + 46 + nameLength > eocd) throw refuse('the zip central directory is damaged');
    // Names without the UTF-8 flag are taken as Latin-1, as fflate's unzipSync does.
    const name = strFromU8(bytes.subarray(at + 46, at + 46 + nameLength), !(flags & 0x800));
    if (flags & 1) throw refuse('is encrypted', name);
    entries.set(name, { name, method: u16(bytes, at + 10), compressedSize: u32(bytes, at + 20), size: u32(bytes, at + 24), headerOffset: u32(bytes, at + 42) });
    at += 46 + nameLength + u16(bytes, at + 30) + u16(bytes, at + 32);
  }
  return entries;
}
