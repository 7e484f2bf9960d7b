import type { Language } from '../language/index.ts';
import { attrs, text } from '../xml.ts';

/**
 * XHTML text for `value` in `language`, each run in another language (English
 * words in Chinese text) wrapped in a span naming it with both `lang` and
 * `xml:lang`, so a screen reader switches voice for it (WCAG 3.1.2). Long
 * tokens (URLs, identifiers) get break opportunities after their separators,
 * so a justified line before one is not stretched to fit it whole. Inside
 * emphasis (`emphasised`), numbers are marked so CJK emphasis dots skip them,
 * as they skip English words.
 */
export function languageText(value: string, language: Language, emphasised = false): string {
  const breaks = breakPositions(value);
  let offset = 0;
  /** Escaped `piece` (which starts at `offset` in `value`), with `<wbr/>` at the break positions inside it. */
  const breakable = (piece: string) => {
    if (breaks.size === 0) return text(piece);
    let out = '';
    let from = 0;
    for (let i = 1; i <= piece.length; i++) {
      if (!breaks.has(offset + i)) continue;
      out += `${text(piece.slice(from, i))}<wbr/>`;
      from = i;
    }
    out += text(piece.slice(from));
    offset += piece.length;
    return out;
  };
  return language
    .runs(value)
    .map((run) => {
      if (run.lang) return `<span${attrs({ lang: run.lang, 'xml:lang': run.lang })}>${breakable(run.text)}</span>`;
      if (!emphasised || !language.cjk) return breakable(run.text);
      return run.text
        .split(NUMBERS)
        .map((piece, i) => (i % 2 ? `<span class="numeral">${breakable(piece)}</span>` : breakable(piece)))
        .join('');
    })
    .join('');
}

/** Digits with the separators inside numbers (2,500 · 9:16 · 3.5), as one capture group for `split`. */
const NUMBERS = /([0-9]+(?:[.,:/][0-9]+)*)/;
/** A token long enough to leave a justified line stretched when it moves to the next one whole. */
const LONG_TOKEN = /[!-~]{16,}/g;
/** Where a URL or identifier may break: after a separator that is followed by more of the token (never inside `://`). */
const BREAK_AFTER = /[/?&=#_.-](?=[^/?&=#_.-])/g;

/**
 * Offsets in `value` (after a separator of a long token) where a line may break.
 * `exec` over the module's own expressions: `matchAll` copies its expression on every call, once per text node.
 */
function breakPositions(value: string): Set<number> {
  const positions = new Set<number>();
  LONG_TOKEN.lastIndex = 0;
  for (let token = LONG_TOKEN.exec(value); token; token = LONG_TOKEN.exec(value)) {
    BREAK_AFTER.lastIndex = 0;
    for (let separator = BREAK_AFTER.exec(token[0]); separator; separator = BREAK_AFTER.exec(token[0])) positions.add(token.index + separator.index + 1);
  }
  return positions;
}
