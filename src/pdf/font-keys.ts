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

/**
 * A face that no npm package carries, read from where a Debian package puts
 * it. It is optional: a build without it draws its characters as boxes and
 * its warning says how to install it.
 */
export interface DebianFontFile<Role extends string = FallbackRole> {
  role: Role;
  /** Debian package that ships the file. */
  debianPackage: string;
  /** Where that package installs the file. */
  path: string;
  /**
   * Object key in the Worker's R2 bucket; for a face stored in blocks
   * (src/pdf/fallback-faces.ts), the prefix of its blocks' keys.
   */
  r2Key: string;
}

export const FONT_FILES: readonly FontFile[] = [
  { role: 'regular', pkg: '@expo-google-fonts/noto-sans-tc', file: '400Regular/NotoSansTC_400Regular.ttf', r2Key: 'fonts/NotoSansTC-Regular.ttf' },
  { role: 'bold', pkg: '@expo-google-fonts/noto-sans-tc', file: '700Bold/NotoSansTC_700Bold.ttf', r2Key: 'fonts/NotoSansTC-Bold.ttf' },
  { role: 'mono', pkg: '@expo-google-fonts/jetbrains-mono', file: '400Regular/JetBrainsMono_400Regular.ttf', r2Key: 'fonts/JetBrainsMono-Regular.ttf' },
];

/** The fallback faces' files, read only by a PDF build that needs them (src/pdf/fallback-faces.ts). */
export const FALLBACK_FONT_FILES: readonly (FontFile<FallbackRole> | DebianFontFile)[] = [
  { role: 'hk', pkg: '@expo-google-fonts/noto-sans-hk', file: '400Regular/NotoSansHK_400Regular.ttf', r2Key: 'fonts/NotoSansHK-Regular.ttf' },
  { role: 'emoji', pkg: '@expo-google-fonts/noto-emoji', file: '400Regular/NotoEmoji_400Regular.ttf', r2Key: 'fonts/NotoEmoji-Regular.ttf' },
  // Hanazono Mincho A (free licence of GlyphWiki and SIL OFL): the BMP, Extension A and the commonest Extension B characters.
  // Stored in blocks of 1,024 code points (fonts/HanaMinA/U+8C00.ttf…), cut from the Debian file by src/cli/face-blocks.ts.
  { role: 'hanazono', debianPackage: 'fonts-hanazono', path: '/usr/share/fonts/truetype/hanazono/HanaMinA.ttf', r2Key: 'fonts/HanaMinA/' },
];

/** The file name of one block of a face stored in blocks, after its first code point: `U+8C00.ttf`. */
export const blockFileName = (block: number): string => `U+${block.toString(16).toUpperCase().padStart(4, '0')}.ttf`;

/** The R2 key of a fallback face, or of one of its blocks. */
export const fallbackR2Key = (font: { r2Key: string }, block?: number): string => (block === undefined ? font.r2Key : `${font.r2Key}${blockFileName(block)}`);

/** How to get an optional face that a build lacked, for its warning. */
export function installHint(role: FallbackRole): string | undefined {
  const font = FALLBACK_FONT_FILES.find((f) => f.role === role);
  if (!font || !('debianPackage' in font)) return undefined;
  const name = font.path.slice(font.path.lastIndexOf('/') + 1);
  return `${name} is not installed (apt-get install ${font.debianPackage}; a Worker reads it from R2 under ${font.r2Key})`;
}
