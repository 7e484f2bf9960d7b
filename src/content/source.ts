/**
 * Where a book's files come from: a folder on disk (CLI) or R2/D1 (Worker).
 * Paths are POSIX, relative to the folder holding `book.yaml`.
 */
export interface BookSource {
  /** Folder name, used as the default slug. */
  readonly name: string;
  /** The file's bytes, or null when it does not exist. */
  read(path: string): Promise<Uint8Array | null>;
}

/** A source held entirely in memory: tests, uploads, and the Worker's assembled books. */
export class MemorySource implements BookSource {
  constructor(
    readonly name: string,
    private readonly files: Map<string, Uint8Array | string>,
  ) {}

  async read(path: string): Promise<Uint8Array | null> {
    const file = this.files.get(normalizePath(path));
    if (file === undefined) return null;
    return typeof file === 'string' ? new TextEncoder().encode(file) : file;
  }
}

/** Joins a relative reference onto the folder of `from` and normalises `.` and `..`; null when it escapes the book. */
export function resolveRelative(from: string, ref: string): string | null {
  const base = from.includes('/') ? from.slice(0, from.lastIndexOf('/') + 1) : '';
  return normalizePath(base + ref);
}

export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return '\0escape';
      out.pop();
    } else out.push(part);
  }
  return out.join('/');
}
