import type { Language } from '../language/index.ts';
import { attrs, text } from '../xml.ts';

/**
 * XHTML text for `value` in `language`, each run in another language (English
 * words in Chinese text) wrapped in a span naming it with both `lang` and
 * `xml:lang`, so a screen reader switches voice for it (WCAG 3.1.2).
 */
export function languageText(value: string, language: Language): string {
  return language
    .runs(value)
    .map((run) => (run.lang ? `<span${attrs({ lang: run.lang, 'xml:lang': run.lang })}>${text(run.text)}</span>` : text(run.text)))
    .join('');
}
