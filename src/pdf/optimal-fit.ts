import { pushAll } from '../arrays.ts';
import { Break, breakLines, HARD_BREAK, isWordSpace, shrinkBefore, skipSpaces, stretchBefore, type LineRange, type Measured } from './linebreak.ts';

/**
 * Total-fit line breaking (Knuth & Plass, "Breaking Paragraphs into Lines",
 * 1981), as TeX sets a paragraph: of all the ways to break it, the one whose
 * lines are most evenly set. Greedy filling leaves a loose line wherever the
 * next word happens not to fit; total fit moves words back across several
 * lines, or hyphenates one, to share that slack out.
 *
 * Each line's badness is 100·r³ for its adjustment ratio r (see
 * `adjustmentRatio`); demerits add a penalty per hyphen, more for two
 * hyphenated lines in a row, a hyphen before the last line, or a tight line
 * next to a loose one, with plain TeX's values. A line may not shrink below
 * its spaces' three quarters; a word wider than the measure hands the paragraph
 * to the greedy breaker, which hyphenates or cuts it.
 */

// plain TeX's \linepenalty, \hyphenpenalty, \doublehyphendemerits, \finalhyphendemerits and \adjdemerits.
const LINE_PENALTY = 10;
const HYPHEN_PENALTY = 50;
const DOUBLE_HYPHEN_DEMERITS = 10000;
const FINAL_HYPHEN_DEMERITS = 5000;
const FITNESS_DEMERITS = 10000;
/**
 * A line with slack and no gap to put it in. TeX caps badness at 10,000 and
 * rejects lines beyond its tolerance; here no line is rejected for being loose
 * (a paragraph always has a solution), so badness keeps growing past the cap
 * (two lines at 3× beat one at 6×) and an unstretchable line costs as much as
 * a line stretched 20-fold.
 */
const AWFUL_BADNESS = 100 * 20 ** 3;

function fitnessClass(ratio: number): number {
  if (ratio < -0.5) return 0;
  if (ratio <= 0.5) return 1;
  if (ratio <= 1) return 2;
  return 3;
}

/** Breaks a justified paragraph into lines; hard breaks end lines as in `breakLines`. */
export function breakParagraph(chars: readonly Measured[], opportunities: Uint8Array, width: number): LineRange[] {
  // Without word spaces or hyphenation points (CJK text) every line can be filled to within a character,
  // and kinsoku leaves the rest: greedy filling already sets it as evenly as it can be, in a fraction of the time.
  if (!chars.some((c) => isWordSpace(c.codePoint) || c.hyphenAfter !== undefined)) return breakLines(chars, opportunities, width);
  const lines: LineRange[] = [];
  let start = skipSpaces(chars, 0);
  while (start < chars.length) {
    let end = start;
    while (end < chars.length && chars[end].codePoint !== HARD_BREAK && !(end > start && opportunities[end] === Break.Required)) end++;
    // An empty line between two hard breaks stays a blank line.
    const segment = end > start ? breakSegment(chars, opportunities, start, end, width) : [{ start, end: start, last: true }];
    if (!segment) return breakLines(chars, opportunities, width);
    segment[segment.length - 1].last = true;
    pushAll(lines, segment);
    if (end >= chars.length) break;
    start = skipSpaces(chars, chars[end].codePoint === HARD_BREAK ? end + 1 : end);
  }
  return lines;
}

/**
 * Optimal breaks of `chars[start..end)`, which holds no hard break; null when
 * a piece is wider than a line. Breakpoints reached so far are kept in flat
 * arrays: where the next line starts, where the line ending there stops
 * drawing, whether it ends in a hyphen, and per fitness class (tight, decent,
 * loose, very loose) the least total demerits and the breakpoint they came from.
 */
function breakSegment(chars: readonly Measured[], opportunities: Uint8Array, start: number, end: number, width: number): LineRange[] | null {
  // Prefix sums: natural width, stretch and shrink up to each index, so any line is measured in O(1).
  const n = end - start;
  const natural = new Float64Array(n + 1);
  const stretch = new Float64Array(n + 1);
  const shrink = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) {
    const i = start + k;
    natural[k + 1] = natural[k] + chars[i].width + chars[i].gapBefore;
    stretch[k + 1] = stretch[k] + (k > 0 ? stretchBefore(chars, i) : 0);
    shrink[k + 1] = shrink[k] + (k > 0 ? shrinkBefore(chars, i) : 0);
  }
  const measure = (from: number, to: number) => natural[to - start] - natural[from - start] - chars[from].gapBefore;
  const between = (sums: Float64Array, from: number, to: number) => sums[to - start] - sums[from + 1 - start];

  const nextStart = new Int32Array(n + 1);
  const drawnEnds = new Int32Array(n + 1);
  const hyphens = new Uint8Array(n + 1);
  const demerits = new Float64Array(4 * (n + 1)).fill(Infinity);
  const from = new Int32Array(4 * (n + 1));
  const fromFitness = new Int8Array(4 * (n + 1));
  nextStart[0] = start;
  demerits[1] = 0;
  let count = 1;
  let firstActive = 0;
  for (let at = start + 1; at <= end; at++) {
    const final = at === end;
    const hyphenated = !final && opportunities[at] === Break.None && chars[at - 1].hyphenAfter !== undefined;
    if (!final && opportunities[at] === Break.None && !hyphenated) continue;
    let drawnEnd = at;
    while (drawnEnd > start && chars[drawnEnd - 1].codePoint === 0x20) drawnEnd--;
    const k = count;
    let reached = false;
    for (let a = firstActive; a < k; a++) {
      const lineStart = nextStart[a];
      if (lineStart >= drawnEnd) continue;
      const drawn = measure(lineStart, drawnEnd);
      // Later starts give shorter lines still; a full line under half the measure is never the best way.
      if (!final && drawn < width / 2) break;
      const slack = width - drawn - (hyphenated ? chars[at - 1].hyphenAfter! : 0);
      if (slack < -0.01 && slack < -between(shrink, lineStart, drawnEnd) - 0.01) {
        // Too wide even shrunk, and only wider for later breaks, as is every earlier start: they are done.
        firstActive = a + 1;
        continue;
      }
      // Cubes and squares as products: `**` calls pow (~80–240 ns here), and was the hottest line of a CJK build.
      let ratio = 0;
      let badness = 0;
      if (final) {
        if (slack < -0.01) continue;
      } else if (slack < -0.01) {
        ratio = slack / between(shrink, lineStart, drawnEnd);
        badness = -100 * ratio * ratio * ratio;
      } else if (slack > 0.01) {
        const room = between(stretch, lineStart, drawnEnd);
        ratio = room > 0 ? slack / room : Infinity;
        badness = room > 0 ? 100 * ratio * ratio * ratio : AWFUL_BADNESS;
      }
      const fitness = fitnessClass(ratio);
      let base = (LINE_PENALTY + badness) * (LINE_PENALTY + badness);
      if (hyphenated) base += HYPHEN_PENALTY ** 2 + (hyphens[a] ? DOUBLE_HYPHEN_DEMERITS : 0);
      // The last full line ending in a hyphen leaves a word's tail alone on the paragraph's last line.
      if (final && hyphens[a]) base += FINAL_HYPHEN_DEMERITS;
      for (let f = 0; f < 4; f++) {
        const before = demerits[4 * a + f];
        if (before === Infinity) continue;
        const total = before + base + (a > 0 && Math.abs(f - fitness) > 1 ? FITNESS_DEMERITS : 0);
        if (total < demerits[4 * k + fitness]) {
          demerits[4 * k + fitness] = total;
          from[4 * k + fitness] = a;
          fromFitness[4 * k + fitness] = f;
          reached = true;
        }
      }
      // Past a line with slack, later starts only stretch further: their class is this one or looser, and no
      // badness below this one's (or the unstretchable line's) can come. Once every such class has a total that
      // low, none of them can win (a tie keeps the first), so the rest are skipped: in CJK text, where every
      // character is a break, that is most of a line's starts.
      if (!final && slack > 0.01) {
        const lower = LINE_PENALTY + Math.min(badness, AWFUL_BADNESS);
        const least = lower * lower + (hyphenated ? HYPHEN_PENALTY ** 2 : 0);
        let settled = true;
        for (let c = fitness; c < 4 && settled; c++) settled = demerits[4 * k + c] <= least;
        if (settled) break;
      }
    }
    if (reached) {
      nextStart[k] = final ? end : skipSpaces(chars, at);
      drawnEnds[k] = drawnEnd;
      hyphens[k] = hyphenated ? 1 : 0;
      count++;
    } else if (final) return null;
    if (firstActive >= count) return null;
  }

  const last = count - 1;
  let fitness = 0;
  for (let f = 1; f < 4; f++) if (demerits[4 * last + f] < demerits[4 * last + fitness]) fitness = f;
  const lines: LineRange[] = [];
  for (let k = last; k > 0; ) {
    const previous = from[4 * k + fitness];
    const line: LineRange = { start: nextStart[previous], end: drawnEnds[k], last: false };
    if (hyphens[k]) line.hyphenated = true;
    lines.push(line);
    fitness = fromFitness[4 * k + fitness];
    k = previous;
  }
  return lines.reverse();
}
