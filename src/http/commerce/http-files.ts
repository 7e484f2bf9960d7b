/** HTTP details of serving files: byte ranges (RFC 9110 §14) and download names (RFC 6266 + RFC 5987). */

export type RangeRequest = { kind: 'full' } | { kind: 'partial'; offset: number; length: number } | { kind: 'unsatisfiable' };

/**
 * One `bytes=` range against a file of `size` bytes. Malformed headers and
 * multi-range requests are ignored (the whole file is sent), as RFC 9110 allows.
 */
export function parseRange(header: string | undefined, size: number): RangeRequest {
  const match = header && /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return { kind: 'full' };
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    const length = Math.min(suffix, size);
    return { kind: 'partial', offset: size - length, length };
  }
  const first = Number(match[1]);
  const last = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (match[2] !== '' && Number(match[2]) < first) return { kind: 'full' };
  if (first >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', offset: first, length: last - first + 1 };
}

/**
 * The Range header to honour: none when If-Range names another version of
 * the file (RFC 9110 §13.1.5), so a client resuming a copy that has since
 * been stamped again gets the whole new file, not its tail spliced onto the
 * old one. Only a strong ETag can match; we send no Last-Modified, so a date
 * never does.
 */
export function rangeToHonour(range: string | undefined, ifRange: string | undefined, etag: string): string | undefined {
  return ifRange === undefined || ifRange.trim() === etag ? range : undefined;
}

/**
 * `attachment` with the real (UTF-8, often Chinese) name in `filename*` and
 * an ASCII fallback for old clients in `filename`.
 */
export function contentDisposition(filename: string, asciiFallback: string): string {
  const safe = filename.replace(/[\\/:*?"<>|\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim() || asciiFallback;
  const ascii = asciiFallback.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(safe).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
