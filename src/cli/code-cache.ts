import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { crc32 } from 'node:zlib';

/** A CommonJS script loaded by `requireWithCodeCache`. */
export interface CachedScript<T> {
  exports: T;
  /** How this run compiled the script: from a valid cache, or from source (no cache yet, a stale, corrupt or rejected one, or none wanted). */
  cache: 'used' | 'absent' | 'corrupt' | 'rejected' | 'off';
  /**
   * Writes V8's code cache for the next run, unless this run used one. Call it
   * after the work: the cache then holds the bytecode of every function the
   * run compiled, not just the top level. Never throws: the cache only saves time.
   */
  save(): void;
}

const CHECKSUM_BYTES = 4;

/**
 * Loads a CommonJS file the way `require` does, but compiled through V8's
 * code cache (Node 20 has no `module.enableCompileCache`): a command's first
 * run writes the bytecode it compiled to `cacheDir`, later runs skip parsing
 * and compiling it. `label` keeps one cache per kind of run (each command
 * compiles different functions).
 *
 * Safe when stale or damaged: the cache file is named after the script's
 * CRC-32 and length, the Node version and the CPU architecture, and starts
 * with the CRC-32 of its own bytes (V8 checks its version and flags, but in
 * release builds neither the payload's checksum nor the source beyond its
 * length). A checksum, not a cryptographic hash: the folder is trusted, and
 * what is guarded against is a rebuilt script or a damaged file — hashing
 * the 3 MB script with SHA-256 cost 12 ms of every run, CRC-32 under 1 ms;
 * anything that does not match is compiled from source and rewritten, and
 * caches of older scripts under the same label are removed. Files are
 * written beside their name and renamed into place, so a concurrent run
 * never reads half a cache. `cacheDir` must be writable only by whoever
 * may change the script itself (a planted cache is code): the package's own
 * node_modules/.cache, never a shared temporary folder. Without `cacheDir`
 * the script is compiled from source.
 */
export function requireWithCodeCache<T>(file: string, cacheDir: string | undefined, label: string): CachedScript<T> {
  // Node maps stack traces (--enable-source-maps) only for files its own loader read: such a run uses require().
  if (process.sourceMapsEnabled) return { exports: createRequire(file)(file) as T, cache: 'off', save: () => {} };
  const bytes = readFileSync(file);
  const cacheFile = cacheDir && join(cacheDir, `${label}-${hex8(crc32(bytes))}${hex8(bytes.length)}-${process.version}-${process.arch}.v8cache`);
  const { data, state } = cacheFile ? readCache(cacheFile) : { data: undefined, state: 'off' as const };
  // Node's CommonJS wrapper, so the script sees exports, require, module, __filename and __dirname as under require().
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${bytes.toString('utf8')}\n})`, { filename: file, cachedData: data });
  const cache = data && script.cachedDataRejected ? 'rejected' : state;
  const module = { exports: {} as T };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  return {
    exports: module.exports,
    cache,
    save: () => {
      if (cacheFile && cache !== 'used') writeCache(cacheFile, label, script);
    },
  };
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

function checksum(data: Uint8Array): Buffer {
  const sum = Buffer.alloc(CHECKSUM_BYTES);
  sum.writeUInt32BE(crc32(data));
  return sum;
}

function readCache(file: string): { data: Buffer | undefined; state: 'used' | 'absent' | 'corrupt' } {
  let stored: Buffer;
  try {
    stored = readFileSync(file);
  } catch {
    return { data: undefined, state: 'absent' };
  }
  const data = stored.subarray(CHECKSUM_BYTES);
  if (stored.length <= CHECKSUM_BYTES || !checksum(data).equals(stored.subarray(0, CHECKSUM_BYTES))) return { data: undefined, state: 'corrupt' };
  return { data, state: 'used' };
}

function writeCache(file: string, label: string, script: Script): void {
  try {
    const data = script.createCachedData();
    const dir = dirname(file);
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.concat([checksum(data), data]));
    renameSync(tmp, file);
    const sameLabel = new RegExp(`^${label.replace(/[^\w-]/g, '\\$&')}-[0-9a-f]{16}-.*\\.v8cache$`);
    for (const name of readdirSync(dir)) {
      if (sameLabel.test(name) && name !== basename(file)) rmSync(join(dir, name), { force: true });
    }
  } catch {
    // A read-only install, a full disk: the next run compiles from source again, as without a cache.
  }
}
