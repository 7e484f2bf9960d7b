import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FontSet } from '../formats/writer.ts';
import { FONT_FILES } from '../pdf/font-keys.ts';

const require = createRequire(import.meta.url);

/** Absolute paths of the PDF fonts inside node_modules, by role. */
export function cliFontPaths(): Record<keyof FontSet, string> {
  const paths = {} as Record<keyof FontSet, string>;
  for (const font of FONT_FILES) paths[font.role] = join(dirname(require.resolve(`${font.pkg}/package.json`)), font.file);
  return paths;
}

/** Reads the PDF fonts from node_modules: the CLI's `WriterContext.fonts`. */
export async function loadCliFonts(): Promise<FontSet> {
  const paths = cliFontPaths();
  const [regular, bold, mono] = await Promise.all([readFile(paths.regular), readFile(paths.bold), readFile(paths.mono)]);
  return { regular, bold, mono };
}
