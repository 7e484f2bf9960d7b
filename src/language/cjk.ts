/**
 * Character classes for joining wrapped lines (soft line breaks) in CJK text.
 * The rule is pandoc's `east_asian_line_breaks` and CSS Text 3 §4.1.3: a
 * line break between two East Asian wide characters disappears; anywhere
 * else it is a space. Hangul is left out (Korean separates words with
 * spaces), as CSS Text does.
 */

/**
 * East Asian wide or fullwidth characters set without spaces between them:
 * Han (with extensions and compatibility ideographs), kana, bopomofo, CJK
 * symbols and punctuation, enclosed and compatibility CJK, CJK compatibility
 * and vertical forms, and the fullwidth forms.
 *
 * @example isCjkWide('字'.codePointAt(0)!) // true
 */
export function isCjkWide(cp: number): boolean {
  return (
    (cp >= 0x2e80 && cp <= 0x2fdf) || // CJK radicals, Kangxi radicals
    (cp >= 0x2ff0 && cp <= 0x2fff) || // ideographic description characters
    (cp >= 0x3000 && cp <= 0x303f) || // CJK symbols and punctuation (、。「」 and the ideographic space)
    (cp >= 0x3040 && cp <= 0x30ff) || // hiragana, katakana
    (cp >= 0x3100 && cp <= 0x312f) || // bopomofo
    (cp >= 0x3190 && cp <= 0x31ff) || // kanbun, bopomofo extended, CJK strokes, katakana extensions
    (cp >= 0x3200 && cp <= 0x4dbf) || // enclosed CJK, CJK compatibility, extension A
    (cp >= 0x4e00 && cp <= 0x9fff) || // unified ideographs
    (cp >= 0xf900 && cp <= 0xfaff) || // compatibility ideographs
    (cp >= 0xfe10 && cp <= 0xfe1f) || // vertical forms
    (cp >= 0xfe30 && cp <= 0xfe6f) || // CJK compatibility forms, small form variants
    (cp >= 0xff01 && cp <= 0xff60) || // fullwidth ASCII variants and brackets
    (cp >= 0xffe0 && cp <= 0xffe6) || // fullwidth signs
    (cp >= 0x1b000 && cp <= 0x1b16f) || // kana supplement and extended
    (cp >= 0x20000 && cp <= 0x3ffff) // extensions B and later
  );
}

/**
 * Punctuation of ambiguous East Asian width that Chinese and Japanese text
 * uses as its own: 破折號 (— ―), 刪節號 (…), curly quotes (Simplified
 * Chinese) and the middle dot. Next to a wide character it counts as CJK, so
 * `……` wrapped before `他說` does not gain a space; next to Latin it does not.
 */
export function isCjkAmbiguousPunctuation(cp: number): boolean {
  return cp === 0x2014 || cp === 0x2015 || cp === 0x2026 || cp === 0x2018 || cp === 0x2019 || cp === 0x201c || cp === 0x201d || cp === 0xb7;
}

/**
 * What a soft line break between `before` and `after` becomes: nothing
 * between two CJK characters, a space otherwise (CommonMark).
 *
 * @example softBreakJoiner('使', '用') // ''
 * @example softBreakJoiner('用', 'A') // ' '
 */
export function softBreakJoiner(before: number, after: number): '' | ' ' {
  const wideBefore = isCjkWide(before);
  const wideAfter = isCjkWide(after);
  if (wideBefore && wideAfter) return '';
  if ((wideBefore && isCjkAmbiguousPunctuation(after)) || (wideAfter && isCjkAmbiguousPunctuation(before))) return '';
  return ' ';
}
