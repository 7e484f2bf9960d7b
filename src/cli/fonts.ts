import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { FaceRole, FallbackRole, FontSet } from '../formats/writer.ts';
import { FACE_BLOCK_SIZE, FALLBACK_CHAIN } from '../pdf/fallback-faces.ts';
import { blockFileName, type DebianFontFile, FALLBACK_FONT_FILES, FONT_FILES, type FontFile } from '../pdf/font-keys.ts';
import { splitFaceIntoBlocks } from './face-blocks.ts';

const require = createRequire(import.meta.url);

/** Absolute path of a font file: inside node_modules, or where its Debian package installs it. */
export const cliFontPath = (font: FontFile<string> | DebianFontFile<string>): string =>
  'debianPackage' in font ? font.path : join(dirname(require.resolve(`${font.pkg}/package.json`)), font.file);

/** Absolute paths of the PDF fonts inside node_modules, by role. */
export function cliFontPaths(): Record<FaceRole, string> {
  const paths = {} as Record<FaceRole, string>;
  for (const font of FONT_FILES) paths[font.role] = cliFontPath(font);
  return paths;
}

/** Absolute paths of the PDF's fallback faces, by role. */
export function cliFallbackFontPaths(): Record<FallbackRole, string> {
  const paths = {} as Record<FallbackRole, string>;
  for (const font of FALLBACK_FONT_FILES) paths[font.role] = cliFontPath(font);
  return paths;
}

/**
 * Reads a fallback face, or one block of a face stored in blocks; a face from
 * a Debian package that is not installed is undefined (its characters stay boxes).
 */
export async function readFallbackFont(path: string, block?: number): Promise<Uint8Array | undefined> {
  const debian = FALLBACK_FONT_FILES.find((font): font is DebianFontFile => 'debianPackage' in font && font.path === path);
  if (debian && !existsSync(path)) return undefined;
  if (block === undefined) return readFile(path);
  if (!debian) throw new Error(`${path} is not a face stored in blocks`);
  return readFile(join(await faceBlocksDir(debian), blockFileName(block)));
}

/**
 * Every font object the Worker reads from R2, with the file it comes from: the
 * book faces, the fallback faces, and each block of a face stored in blocks
 * where its Debian package is installed (cut here on first use). `npm start`
 * uploads these to local R2; README "Deploy" to the real bucket.
 */
export async function fontObjects(): Promise<{ key: string; file: string }[]> {
  const objects = FONT_FILES.map((font) => ({ key: font.r2Key, file: cliFontPath(font) }));
  for (const font of FALLBACK_FONT_FILES) {
    if (!('debianPackage' in font)) objects.push({ key: font.r2Key, file: cliFontPath(font) });
    else if (existsSync(font.path)) {
      const dir = await faceBlocksDir(font);
      for (const name of (await readdir(dir)).sort()) objects.push({ key: `${font.r2Key}${name}`, file: join(dir, name) });
    }
  }
  return objects;
}

/** Bumped when face-blocks.ts writes different blocks, so machines split their faces again. */
const BLOCKS_VERSION = 1;

/**
 * The folder holding the blocks of a face stored in blocks, cut on first use:
 * one per machine and version of the source file (size and modification
 * time), in the OS temp folder. Written under a temporary name and renamed,
 * so a build running beside the first one never reads half of it.
 */
export async function faceBlocksDir(font: DebianFontFile): Promise<string> {
  const source = await stat(font.path);
  const dir = join(tmpdir(), 'bindery-face-blocks', `${basename(font.path, '.ttf')}-${source.size}-${Math.trunc(source.mtimeMs)}-v${BLOCKS_VERSION}`);
  if (existsSync(dir)) return dir;
  const triedFor = new RegExp(FALLBACK_CHAIN.find((face) => face.role === font.role)!.triedFor.source, 'u');
  const blocks = splitFaceIntoBlocks(await readFile(font.path), FACE_BLOCK_SIZE, (codePoint) => triedFor.test(String.fromCodePoint(codePoint)));
  const staging = `${dir}.${process.pid}.tmp`;
  await mkdir(staging, { recursive: true });
  try {
    for (const [block, bytes] of blocks) await writeFile(join(staging, blockFileName(block)), bytes);
    await rename(staging, dir);
  } catch (err) {
    // Another process renamed its copy into place first: use that one.
    if (!existsSync(dir)) throw err;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return dir;
}

/** Reads the PDF fonts from node_modules: the CLI's `WriterContext.fonts`. Fallback faces are read when the PDF writer asks. */
export async function loadCliFonts(): Promise<FontSet> {
  const paths = cliFontPaths();
  const [regular, bold, mono] = await Promise.all([readFile(paths.regular), readFile(paths.bold), readFile(paths.mono)]);
  return { regular, bold, mono, fallback: (role, block) => readFallbackFont(cliFallbackFontPaths()[role], block) };
}
