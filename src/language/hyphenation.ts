/**
 * Where a word may be hyphenated at a line's end, by Liang's algorithm with
 * TeX's patterns (the `hyphen` package). Only English has patterns here; the
 * patterns (100 KB) are loaded when a book first needs them, so a book with
 * no English words, and every EPUB build, never loads them.
 */

/** Positions inside `word` (code unit offsets) where a line may break with a hyphen. */
export type Hyphenate = (word: string) => readonly number[];

/** TeX's \lefthyphenmin and \righthyphenmin for English: `ex-` and `-ed` alone are never set apart. */
const LEFT_MIN = 2;
const RIGHT_MIN = 3;
const SOFT_HYPHEN = '\u00ad';

type Patterns = 'en-us' | 'en-gb';

/** British spelling for the regions that use it; American for `en` and every other region. */
const BRITISH_REGIONS = new Set(['gb', 'uk', 'ie', 'au', 'nz', 'za', 'in']);

/** The pattern set for a BCP 47 tag, or null where words of that language are not hyphenated. */
function hyphenationPatterns(tag: string): Patterns | null {
  const [primary, ...rest] = tag.toLowerCase().split(/[-_]/);
  if (primary !== 'en') return null;
  return rest.some((subtag) => BRITISH_REGIONS.has(subtag)) ? 'en-gb' : 'en-us';
}

const loaded = new Map<Patterns, Promise<Hyphenate>>();

/** The hyphenator for words in language `tag`, or null where Bindery has no patterns for it. */
function loadHyphenation(tag: string): Promise<Hyphenate> | null {
  const patterns = hyphenationPatterns(tag);
  if (!patterns) return null;
  let hyphenate = loaded.get(patterns);
  if (!hyphenate) {
    hyphenate = (patterns === 'en-gb' ? import('hyphen/en-gb') : import('hyphen/en-us')).then((module) => {
      // The package is CommonJS: bundlers put its exports on `default`.
      const { hyphenateSync } = 'hyphenateSync' in module ? module : (module as { default: typeof module }).default;
      return hyphenator(hyphenateSync);
    });
    loaded.set(patterns, hyphenate);
  }
  return hyphenate;
}

/**
 * The longest word hyphenated, as TeX (its hyphenation stops at 63 letters):
 * English's longest words are under 50, and the `hyphen` package's time
 * grows with the square of a word's length (a 24,000-letter "word", a pasted
 * key or blob, took 8 s). A longer one is cut where it overflows the line.
 */
const LONGEST_HYPHENATED = 63;
const NO_POINTS: readonly number[] = [];

function hyphenator(hyphenateSync: (text: string, options: { hyphenChar: string; minWordLength: number }) => string): Hyphenate {
  const cache = new Map<string, readonly number[]>();
  return (word) => {
    if (word.length > LONGEST_HYPHENATED) return NO_POINTS;
    let points = cache.get(word);
    if (!points) {
      // Bounded: a long-lived isolate builds many books.
      if (cache.size >= 50_000) cache.clear();
      points = [];
      const marked = hyphenateSync(word, { hyphenChar: SOFT_HYPHEN, minWordLength: LEFT_MIN + RIGHT_MIN });
      let offset = 0;
      for (const ch of marked) {
        if (ch === SOFT_HYPHEN) {
          if (offset >= LEFT_MIN && offset <= word.length - RIGHT_MIN) (points as number[]).push(offset);
        } else offset += ch.length;
      }
      cache.set(word, points);
    }
    return points;
  };
}

/**
 * Loads the patterns for words in the languages `tags` (once each) and answers
 * which hyphenator a word in a given language takes: null where none was loaded.
 */
export async function hyphenationFor(tags: Iterable<string>): Promise<(lang: string) => Hyphenate | null> {
  const byPatterns = new Map<Patterns, Hyphenate>();
  for (const tag of tags) {
    const patterns = hyphenationPatterns(tag);
    if (patterns && !byPatterns.has(patterns)) byPatterns.set(patterns, await loadHyphenation(tag)!);
  }
  const byTag = new Map<string, Hyphenate | null>();
  return (lang) => {
    let hyphenate = byTag.get(lang);
    if (hyphenate === undefined) {
      const patterns = hyphenationPatterns(lang);
      hyphenate = (patterns && byPatterns.get(patterns)) || null;
      byTag.set(lang, hyphenate);
    }
    return hyphenate;
  };
}
