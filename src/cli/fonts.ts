import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FaceRole, FallbackRole, FontSet } from '../formats/writer.ts';
import { type DebianFontFile, FALLBACK_FONT_FILES, FONT_FILES, type FontFile } from '../pdf/font-keys.ts';

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

/** Reads a fallback face; a face from a Debian package that is not installed is undefined (its characters stay boxes). */
export async function readFallbackFont(path: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    const optional = FALLBACK_FONT_FILES.some((font) => 'debianPackage' in font && font.path === path);
    if (optional && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Reads the PDF fonts from node_modules: the CLI's `WriterContext.fonts`. Fallback faces are read when the PDF writer asks. */
export async function loadCliFonts(): Promise<FontSet> {
  const paths = cliFontPaths();
  const [regular, bold, mono] = await Promise.all([readFile(paths.regular), readFile(paths.bold), readFile(paths.mono)]);
  return { regular, bold, mono, fallback: (role) => readFallbackFont(cliFallbackFontPaths()[role]) };
}
