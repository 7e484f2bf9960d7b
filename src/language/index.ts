import { languageRuns, type TextRun } from './runs.ts';
import { ENGLISH, JAPANESE, SIMPLIFIED_CHINESE, TRADITIONAL_CHINESE, type Words } from './words.ts';

export type { AccessibilityFacts, BookWords, LicenceWords, StoreWords } from './words.ts';
export { isProhibitedLineEnd, isProhibitedLineStart } from './kinsoku.ts';
export { isCjkAmbiguousPunctuation, isCjkWide, softBreakJoiner } from './cjk.ts';
export { consentWords, type ConsentWords } from './consent-words.ts';
export { isLatinLetter, joinsLatinWords, latinWordsLanguage, type TextRun } from './runs.ts';
export { hyphenationFor, type Hyphenate } from './hyphenation.ts';

/**
 * The writing system a tag is set in (ISO 15924): Traditional or Simplified
 * Chinese, Japanese, Korean, or Latin for everything else.
 */
/**
 * The shape of a BCP 47 language tag: a primary language and subtags of 1–8
 * letters or digits, singletons included (`ja-JP-u-ca-japanese`, `en-x-house`).
 * The one check for book.yaml's `language`, a chapter's `lang` and the API's filter.
 */
export const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

export function isLanguageTag(tag: string): boolean {
  return LANGUAGE_TAG.test(tag);
}

export type Script = 'Hant' | 'Hans' | 'Jpan' | 'Kore' | 'Latn';

/** Everything Bindery decides from a book's (or a page's) language tag. */
export interface Language {
  /** The BCP 47 tag as given. */
  tag: string;
  script: Script;
  /** Set on the CJK grid: the PDF gives such text generous leading. */
  cjk: boolean;
  words: Words;
  /** Joins names for display: `A、B、C` in CJK, `A, B and C` in English. */
  list(items: readonly string[]): string;
  /** Wraps a quotation: 「…」 (『…』 nested) in Traditional Chinese and Japanese, “…” (‘…’ nested) otherwise. */
  quote(text: string, nested?: boolean): string;
  /** Splits text of this language into runs, tagging words in another one (English inside CJK text). */
  runs(text: string): TextRun[];
}

interface Conventions {
  cjk: boolean;
  words: Words;
  separator: string;
  lastSeparator: string;
  quotes: { outer: readonly [string, string]; inner: readonly [string, string] };
}

const CORNER_BRACKETS = { outer: ['「', '」'], inner: ['『', '』'] } as const;
const CURLY_QUOTES = { outer: ['“', '”'], inner: ['‘', '’'] } as const;

const CONVENTIONS: Record<Script, Conventions> = {
  Hant: { cjk: true, words: TRADITIONAL_CHINESE, separator: '、', lastSeparator: '、', quotes: CORNER_BRACKETS },
  Hans: { cjk: true, words: SIMPLIFIED_CHINESE, separator: '、', lastSeparator: '、', quotes: CURLY_QUOTES },
  Jpan: { cjk: true, words: JAPANESE, separator: '、', lastSeparator: '、', quotes: CORNER_BRACKETS },
  // Korean has no words of its own yet; it is set on the CJK grid with Western punctuation.
  Kore: { cjk: true, words: ENGLISH, separator: ', ', lastSeparator: ' and ', quotes: CURLY_QUOTES },
  Latn: { cjk: false, words: ENGLISH, separator: ', ', lastSeparator: ' and ', quotes: CURLY_QUOTES },
};

/** Regions whose Chinese is written in Simplified characters; every other Chinese is Traditional (see docs/decisions.md). */
const SIMPLIFIED_REGIONS = new Set(['cn', 'sg']);

/**
 * The script of a BCP 47 tag. An explicit script subtag wins (`zh-Hant-CN` is
 * Traditional); otherwise Chinese is Simplified for CN and SG and Traditional
 * for bare `zh`, TW, HK, MO and any other region.
 */
function scriptOf(tag: string): Script {
  const [primary = '', ...rest] = tag.toLowerCase().split(/[-_]/);
  const script = rest[0]?.length === 4 ? rest[0] : undefined;
  if (script === 'hant' || script === 'hans') return script === 'hant' ? 'Hant' : 'Hans';
  if (primary === 'zh') return rest.some((subtag) => SIMPLIFIED_REGIONS.has(subtag)) ? 'Hans' : 'Hant';
  if (primary === 'ja') return 'Jpan';
  if (primary === 'ko') return 'Kore';
  return 'Latn';
}

/**
 * What Bindery uses for text in language `tag`: its words, how names are
 * listed and quotations marked, and whether it is set as CJK.
 *
 * @example languageOf('zh-CN').words.book.contents // '目录'
 */
export function languageOf(tag: string): Language {
  const script = scriptOf(tag);
  const { cjk, words, separator, lastSeparator, quotes } = CONVENTIONS[script];
  return {
    tag,
    script,
    cjk,
    words,
    list: (items) => (items.length < 2 ? items.join('') : items.slice(0, -1).join(separator) + lastSeparator + items[items.length - 1]),
    quote: (text, nested = false) => {
      const [open, close] = nested ? quotes.inner : quotes.outer;
      return open + text + close;
    },
    runs: (text) => languageRuns(text, cjk),
  };
}
