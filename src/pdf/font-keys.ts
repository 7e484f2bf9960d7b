import type { FontSet } from '../formats/writer.ts';

/**
 * Where each font of a PDF build lives: the npm file the CLI reads and the R2
 * key the Worker reads (the fonts are too big to bundle). Runtime-agnostic on
 * purpose, so both sides share one list.
 */
export interface FontFile {
  role: keyof FontSet;
  /** npm package that ships the file (OFL). */
  pkg: string;
  /** Path of the file inside that package. */
  file: string;
  /** Object key in the Worker's R2 bucket. */
  r2Key: string;
}

export const FONT_FILES: readonly FontFile[] = [
  { role: 'regular', pkg: '@expo-google-fonts/noto-sans-tc', file: '400Regular/NotoSansTC_400Regular.ttf', r2Key: 'fonts/NotoSansTC-Regular.ttf' },
  { role: 'bold', pkg: '@expo-google-fonts/noto-sans-tc', file: '700Bold/NotoSansTC_700Bold.ttf', r2Key: 'fonts/NotoSansTC-Bold.ttf' },
  { role: 'mono', pkg: '@expo-google-fonts/jetbrains-mono', file: '400Regular/JetBrainsMono_400Regular.ttf', r2Key: 'fonts/JetBrainsMono-Regular.ttf' },
];
