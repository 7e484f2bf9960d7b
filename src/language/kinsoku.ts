/**
 * Kinsoku: the characters a line may not start or end with (W3C clreq §3.1.7,
 * JIS X 4051). One list for every line breaker — PDF body text and the
 * generated cover's title — so a title breaks the same way in every format.
 */

// Built from strings, not regex literals: bundlers escape strings to ASCII, and one
// non-Latin-1 character in the Worker script makes V8 hold all of it at two bytes a character.

/** Closing brackets and quotes, pauses and stops, dashes and ellipses, interpuncts (・‧·), iteration marks, prolonged sound marks, units. */
const NO_LINE_START = new Set(
  [...'。，、．；：？！」』）》〉】〕｝〗〙〛’”…‥—–・‧·～ー々ゝゞヽヾ％‰℃°′″)]}>.,;:?!%'].map((c) => c.codePointAt(0)!),
);

/** Opening brackets and quotes. */
const NO_LINE_END = new Set([...'「『（《〈【〔｛〖〘〚‘“([{<'].map((c) => c.codePointAt(0)!));

/** True when a line may not begin with this code point: it stays with the character before it. */
export function isProhibitedLineStart(codePoint: number): boolean {
  return NO_LINE_START.has(codePoint);
}

/** True when a line may not end with this code point: it goes with the character after it. */
export function isProhibitedLineEnd(codePoint: number): boolean {
  return NO_LINE_END.has(codePoint);
}
