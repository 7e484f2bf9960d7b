import type { FaceRole, FallbackRole } from '../formats/writer.ts';

/**
 * Where each font of a PDF build lives: the npm file the CLI reads and the R2
 * key the Worker reads (the fonts are too big to bundle). Runtime-agnostic on
 * purpose, so both sides share one list.
 */
export interface FontFile<Role extends string = FaceRole> {
  role: Role;
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

/** The fallback faces' files, read only by a PDF build that needs them (src/pdf/fallback-faces.ts). */
export const FALLBACK_FONT_FILES: readonly FontFile<FallbackRole>[] = [
  { role: 'hk', pkg: '@expo-google-fonts/noto-sans-hk', file: '400Regular/NotoSansHK_400Regular.ttf', r2Key: 'fonts/NotoSansHK-Regular.ttf' },
  { role: 'emoji', pkg: '@expo-google-fonts/noto-emoji', file: '400Regular/NotoEmoji_400Regular.ttf', r2Key: 'fonts/NotoEmoji-Regular.ttf' },
];
