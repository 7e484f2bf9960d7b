import { readFile, realpath } from 'node:fs/promises';
import { basename, resolve, sep } from 'node:path';
import { escapes, FileTreeSource, normalizePath } from '../content/source.ts';

/** A book folder on disk. Reads stay inside the folder: `..` and symlinks pointing out of it read as missing. */
export class DirectorySource extends FileTreeSource {
  readonly name: string;
  private readonly root: string;

  constructor(dir: string) {
    super();
    this.root = resolve(dir);
    this.name = basename(this.root);
  }

  async read(path: string): Promise<Uint8Array | null> {
    const relative = normalizePath(path);
    if (escapes(relative)) return null;
    try {
      const root = await realpath(this.root);
      const file = await realpath(resolve(root, relative));
      if (!file.startsWith(root + sep)) return null;
      return new Uint8Array(await readFile(file));
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
