/**
 * Runs of text in another language than the text around them: Latin-script
 * words inside Chinese, Japanese or Korean text are English (`API`, `render
 * queue`, a whole quoted sentence), and a reader's screen reader should
 * voice them so. Writers tag each run (`lang` in XHTML, `/Lang` in PDF).
 */

/** A piece of text; `lang` is set when it is in another language than its surroundings. */
export interface TextRun {
  text: string;
  lang?: string;
}

/** The language Latin-script words are in inside CJK text. */
const LATIN_WORDS_IN_CJK = 'en';

/** A Latin letter: basic Latin and the accented letters of Latin-1 and Latin Extended-A/B. */
export function isLatinLetter(cp: number): boolean {
  return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || (cp >= 0xc0 && cp <= 0x24f && cp !== 0xd7 && cp !== 0xf7);
}

function isDigit(cp: number): boolean {
  return cp >= 0x30 && cp <= 0x39;
}

/** What may sit between two Latin words of one phrase: spaces and the punctuation of English prose. */
export function joinsLatinWords(cp: number): boolean {
  return cp === 0x20 || cp === 0xa0 || cp === 0x27 || cp === 0x2019 || cp === 0x2d || cp === 0x2e || cp === 0x2c || cp === 0x26 || cp === 0x3a || cp === 0x2f;
}

/**
 * The language of Latin-script words in text of a language whose script is
 * `cjk` (see `Language.cjk`): English, or null where Latin is the text's own
 * script and its words need no tag.
 */
export function latinWordsLanguage(cjk: boolean): string | null {
  return cjk ? LATIN_WORDS_IN_CJK : null;
}

/**
 * Splits `value` into runs, tagging each phrase of Latin-script words in CJK
 * text with its language. A phrase runs from a letter or digit to a letter
 * or digit over words joined by spaces and prose punctuation, and holds at
 * least one letter: `Gen-3`, `3D`, `Runway Gen-3 Alpha` are tagged; `2025`
 * and `9:16` are not (numbers are read in the surrounding language).
 *
 * @example languageRuns('用 Runway 生成', true) // [{ text: '用 ' }, { text: 'Runway', lang: 'en' }, { text: ' 生成' }]
 */
export function languageRuns(value: string, cjk: boolean): TextRun[] {
  const lang = latinWordsLanguage(cjk);
  if (!lang) return value ? [{ text: value }] : [];
  // UTF-16 code units, not code points: letters, digits and joiners are all in the BMP, so a surrogate
  // (half of any other character) ends a phrase as the whole character would, and runs never split one.
  const runs: TextRun[] = [];
  let plainStart = 0;
  for (let i = 0; i < value.length; i++) {
    const cp = value.charCodeAt(i);
    if (!isLatinLetter(cp) && !isDigit(cp)) continue;
    let end = i + 1;
    let letters = isLatinLetter(cp);
    for (let j = i + 1; j < value.length; j++) {
      const next = value.charCodeAt(j);
      if (isLatinLetter(next) || isDigit(next)) {
        end = j + 1;
        letters ||= isLatinLetter(next);
      } else if (!joinsLatinWords(next)) break;
    }
    if (!letters) {
      i = end - 1;
      continue;
    }
    if (i > plainStart) runs.push({ text: value.slice(plainStart, i) });
    runs.push({ text: value.slice(i, end), lang });
    plainStart = end;
    i = end - 1;
  }
  if (plainStart < value.length) runs.push({ text: value.slice(plainStart) });
  return runs;
}
