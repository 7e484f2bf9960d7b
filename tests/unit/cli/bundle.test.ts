import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

/**
 * The `bindery` users run: bin/bindery.js loading the esbuild bundle in
 * dist-cli/ that `npm ci` builds (`prepare`). The bundle is rebuilt first,
 * so these tests run the sources as they are now, not a bundle left over
 * from the last install.
 */
const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../../..');
const BOOK = 'tests/fixtures/books/edge-cases';

async function bindery(args: string[], bin = join(ROOT, 'bin/bindery.js'), env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let tmp: string;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'bindery-bundle-'));
  await run(process.execPath, ['scripts/build-cli.mjs'], { cwd: ROOT });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the bundled CLI', () => {
  it('prints the usage for --help and exits 0', async () => {
    const help = await bindery(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage:\n {2}bindery build <book-dir>/);
    expect(help.stderr).toBe('');
  });

  it('runs as a program, as `bindery` and npx start it, with the young generation its shebang sets', async () => {
    const bin = join(ROOT, 'bin/bindery.js');
    expect(readFileSync(bin, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env -S node --max-semi-space-size=1');
    const { stdout } = await run(bin, ['--help'], { cwd: ROOT, encoding: 'utf8' });
    expect(stdout).toMatch(/^Usage:\n {2}bindery build <book-dir>/);
  });

  it('builds an EPUB and its JSON report, byte for byte what the sources build in-process', async () => {
    const out = join(tmp, 'epub');
    const built = await bindery(['build', BOOK, '--format', 'epub', '--out', out, '--quiet']);
    expect(built.code, built.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['edge-cases.epub', 'edge-cases.json']);
    const epub = readFileSync(join(out, 'edge-cases.epub'));
    expect(epub.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
    const report = JSON.parse(readFileSync(join(out, 'edge-cases.json'), 'utf8'));
    expect(report).toMatchObject({ slug: 'edge-cases' });
    expect(report.files).toEqual([
      expect.objectContaining({ filename: 'edge-cases.epub', size: epub.byteLength, sha256: createHash('sha256').update(epub).digest('hex') }),
    ]);

    // One build path: the bundle is the same src/ that runs here under Vite, so the bytes agree.
    const inProcess = join(tmp, 'in-process');
    expect((await runCli(['build', BOOK, '--format', 'epub', '--out', inProcess, '--quiet'])).code).toBe(0);
    expect(readFileSync(join(inProcess, 'edge-cases.epub')).equals(epub)).toBe(true);
  });

  it('writes the code cache after a first build and builds the same bytes from it, or from a damaged one', async () => {
    const env = { BINDERY_CACHE_DIR: join(tmp, 'cache') };
    const build = async (out: string) => {
      const built = await bindery(['build', BOOK, '--format', 'epub', '--out', join(tmp, out), '--quiet'], undefined, env);
      expect(built.code, built.stderr).toBe(0);
      return readFileSync(join(tmp, out, 'edge-cases.epub'));
    };
    const cold = await build('cold');
    const [cache] = readdirSync(env.BINDERY_CACHE_DIR);
    expect(cache).toMatch(/^build-epub-[0-9a-f]{16}-v\d+\.\d+\.\d+-\w+\.v8cache$/);
    expect((await build('warm')).equals(cold)).toBe(true);
    writeFileSync(join(env.BINDERY_CACHE_DIR, cache), 'not a cache');
    expect((await build('damaged')).equals(cold)).toBe(true);
    expect(readFileSync(join(env.BINDERY_CACHE_DIR, cache)).byteLength).toBeGreaterThan(1000);
  });

  it('builds a PDF, finding the fonts in node_modules from the bundle', async () => {
    const out = join(tmp, 'pdf');
    const built = await bindery(['build', BOOK, '--format', 'pdf', '--out', out, '--quiet']);
    expect(built.code, built.stderr).toBe(0);
    expect(readFileSync(join(out, 'edge-cases.pdf')).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('reports a located error and exit 1 from the bundle, as from the sources', async () => {
    const checked = await bindery(['check', 'tests/fixtures/books/broken/missing-title']);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toBe('tests/fixtures/books/broken/missing-title/book.yaml:1: missing required field "title"\n');
  });

  it('tells an install without scripts how to build the bundle', async () => {
    const bare = join(tmp, 'no-bundle');
    mkdirSync(join(bare, 'bin'), { recursive: true });
    copyFileSync(join(ROOT, 'bin/bindery.js'), join(bare, 'bin/bindery.js'));
    copyFileSync(join(ROOT, 'bin/package.json'), join(bare, 'bin/package.json'));
    const missing = await bindery(['--help'], join(bare, 'bin/bindery.js'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('dist-cli/launch.cjs');
    expect(missing.stderr).toContain('npm run build:cli');
  });
});

describe('package.json', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

  it('builds the bundle on install and runs it without tsx', () => {
    expect(pkg.scripts.prepare).toBe('node scripts/build-cli.mjs');
    expect(pkg.bin.bindery).toBe('bin/bindery.js');
    expect(pkg.dependencies.tsx).toBeUndefined();
    expect(pkg.devDependencies.esbuild).toBeDefined();
    expect(readFileSync(join(ROOT, 'bin/bindery.js'), 'utf8')).not.toContain('tsx');
  });
});
