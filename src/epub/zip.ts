import { zipSync, type Zippable } from 'fflate';

export interface ZipEntry {
  path: string;
  data: Uint8Array;
  /** Kept as is rather than deflated: media that is compressed already gains nothing. */
  stored?: boolean;
}

/**
 * An EPUB container, written by the EPUB writer and again by the stamper:
 * `mimetype` first and stored (readers sniff its bytes at offset 38), the
 * other entries in the given order, every entry stamped with the same time
 * so the same book always gives the same bytes.
 */
export function zipEpub(entries: readonly ZipEntry[], modified: Date): Uint8Array {
  const mtime = zipTimestamp(modified);
  const files: Zippable = {
    mimetype: [new TextEncoder().encode('application/epub+zip'), { level: 0, mtime }],
  };
  for (const entry of entries) files[entry.path] = [entry.data, { level: entry.stored ? 0 : 6, mtime }];
  return zipSync(files);
}

/**
 * Zip stores local wall-clock time and fflate reads it with local-time getters,
 * so the date is shifted by the time-zone offset: every machine then writes
 * the UTC fields of `date`. Clamped to the years a zip can hold (1980–2099).
 */
export function zipTimestamp(date: Date): Date {
  const min = Date.UTC(1980, 0, 1, 0, 0, 0);
  const max = Date.UTC(2099, 11, 31, 23, 59, 58);
  const utc = Math.min(max, Math.max(min, date.getTime()));
  const shifted = new Date(utc + new Date(utc).getTimezoneOffset() * 60_000);
  // Across a DST change the offset of the shifted instant may differ from the first guess.
  return new Date(utc + shifted.getTimezoneOffset() * 60_000);
}
