/** The buyer's name on a sold copy. A leaf module: commerce's config and the licence line load it without zod schemas. */

/**
 * A buyer's name as a copy may print it: normalised (NFC), without formatting
 * characters (bidirectional controls could reorder the line around it, and
 * invisible ones could pose as the text layer's marks) or control characters,
 * spaces collapsed, at most 100 characters; null when nothing is left.
 */
export function printableName(raw: string | null | undefined): string | null {
  const name = (raw ?? '')
    .normalize('NFC')
    .replace(/\p{Cf}/gu, '')
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
  return name ? [...name].slice(0, 100).join('').trim() : null;
}
