/**
 * Where sticky (`y`) `pattern` stops matching when it matches `text` at
 * `at`, or -1 when it does not: the one step of the small hand-written
 * scanners (an SVG file's prolog, SVG path data).
 */
export function endOfMatch(pattern: RegExp, text: string, at: number): number {
  pattern.lastIndex = at;
  return pattern.test(text) ? pattern.lastIndex : -1;
}
