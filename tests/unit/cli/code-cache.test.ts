import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireWithCodeCache } from '../../../src/cli/code-cache.ts';
import { cacheLabel } from '../../../src/cli/launch.ts';

/** A script large enough for V8 to cache, that answers with what it was loaded as. */
const script = (answer: string) => `exports.answer = () => ${JSON.stringify(answer)};\nexports.file = __filename;\nexports.sum = (n) => { let s = 0; for (let i = 0; i < n; i++) s += i; return s; };\n`;

let dir: string;
let cacheDir: string;
let file: string;
// The code cache is what these tests are about: Node mapping stack traces (NODE_OPTIONS=--enable-source-maps) turns it off.
const sourceMaps = process.sourceMapsEnabled;
beforeAll(() => {
  process.setSourceMapsEnabled(false);
  dir = mkdtempSync(join(tmpdir(), 'bindery-code-cache-'));
  cacheDir = join(dir, 'cache');
  file = join(dir, 'script.cjs');
});
afterAll(() => {
  process.setSourceMapsEnabled(sourceMaps);
  rmSync(dir, { recursive: true, force: true });
});

const load = () => requireWithCodeCache<{ answer(): string; file: string; sum(n: number): number }>(file, cacheDir, 'build');
const cacheFiles = () => readdirSync(cacheDir).filter((name) => name.endsWith('.v8cache'));

describe('requireWithCodeCache', () => {
  it('runs the script as require would, writes its cache after the run and uses it the next time', () => {
    writeFileSync(file, script('first'));
    const cold = load();
    expect(cold.cache).toBe('absent');
    expect([cold.exports.answer(), cold.exports.file, cold.exports.sum(4)]).toEqual(['first', file, 6]);
    cold.save();
    expect(cacheFiles()).toHaveLength(1);

    const warm = load();
    expect(warm.cache).toBe('used');
    expect(warm.exports.answer()).toBe('first');
  });

  it('compiles a changed script from source, even of the same length, and replaces the old cache, not those of other labels', () => {
    writeFileSync(join(cacheDir, 'build-epub-0123456789abcdef-v20.0.0-x64.v8cache'), 'another label');
    const [old] = cacheFiles().filter((name) => !name.startsWith('build-epub'));
    writeFileSync(file, script('other'));
    const changed = load();
    expect(changed.cache).toBe('absent');
    expect(changed.exports.answer()).toBe('other');
    changed.save();
    expect(cacheFiles()).toHaveLength(2);
    expect(cacheFiles()).not.toContain(old);
    rmSync(join(cacheDir, 'build-epub-0123456789abcdef-v20.0.0-x64.v8cache'));
  });

  it('ignores a damaged cache and rewrites it', () => {
    const [name] = cacheFiles();
    const stored = readFileSync(join(cacheDir, name));
    stored[stored.length - 1] ^= 0xff;
    writeFileSync(join(cacheDir, name), stored);
    const damaged = load();
    expect(damaged.cache).toBe('corrupt');
    expect(damaged.exports.answer()).toBe('other');
    damaged.save();
    expect(load().cache).toBe('used');
  });

  it('loads through require() when Node maps stack traces (--enable-source-maps), which it does only for files its loader read', () => {
    const before = process.sourceMapsEnabled;
    process.setSourceMapsEnabled(true);
    try {
      const mapped = load();
      expect(mapped.cache).toBe('off');
      expect(mapped.exports.answer()).toBe('other');
      expect(createRequire(file).cache[file]).toBeDefined();
    } finally {
      process.setSourceMapsEnabled(before);
    }
  });

  it('runs from source without a cache folder, and never fails for one it cannot write', () => {
    const off = requireWithCodeCache<{ answer(): string }>(file, undefined, 'build');
    expect(off.cache).toBe('off');
    expect(off.exports.answer()).toBe('other');
    const blocked = join(dir, 'not-a-folder');
    writeFileSync(blocked, '');
    const unwritable = requireWithCodeCache<{ answer(): string }>(file, blocked, 'build');
    expect(() => unwritable.save()).not.toThrow();
    expect(unwritable.exports.answer()).toBe('other');
  });
});

describe('cacheLabel', () => {
  it('keeps one cache per command and format', () => {
    expect(cacheLabel(['build', 'books/a', '--format', 'epub'])).toBe('build-epub');
    expect(cacheLabel(['build', '-f', 'epub,pdf', 'books/a'])).toBe('build-epub+pdf');
    expect(cacheLabel(['build', '--format=../../x', 'books/a'])).toBe('build-x');
    expect(cacheLabel(['check', 'books/a'])).toBe('check');
  });
});
