import { readFileSync, realpathSync } from 'node:fs';
import { basename, resolve, sep } from 'node:path';
import { escapes, FileTreeSource, normalizePath } from '../content/source.ts';

/**
 * A book folder on disk. Reads stay inside the folder: `..` and symlinks pointing out of it read as missing.
 * Reads are synchronous: the command line has nothing else to do meanwhile, and the pipeline reads a book one
 * file after another, so each asynchronous read paid a few thread-pool round trips (open, stat, read, close,
 * two realpaths) while the process sat idle — 110–200 ms of a 100-chapter build.
 */
export class DirectorySource extends FileTreeSource {
  readonly name: string;
  private readonly dir: string;
  private root: string | undefined;

  constructor(dir: string) {
    super();
    this.dir = resolve(dir);
    this.name = basename(this.dir);
  }

  async read(path: string): Promise<Uint8Array | null> {
    const relative = normalizePath(path);
    if (escapes(relative)) return null;
    try {
      // The folder's real path is looked up once; a missing folder is looked up again (and read as missing) each time.
      this.root ??= realpathSync.native(this.dir);
      const file = realpathSync.native(resolve(this.root, relative));
      if (!file.startsWith(this.root + sep)) return null;
      // A plain Uint8Array, not a Buffer: a small Buffer is a view into Node's shared pool, and its slice() shares memory.
      return new Uint8Array(readFileSync(file));
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}
