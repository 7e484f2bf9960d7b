import type { Language } from '../../language/index.ts';

/**
 * Text of a page in `language`, each run in another language (English words
 * in Chinese text) in a span naming it, as the EPUB does, so a screen reader
 * switches voice for it (WCAG 3.1.2).
 */
export function LanguageText({ text, language }: { text: string; language: Language }) {
  return <>{language.runs(text).map((run) => (run.lang ? <span lang={run.lang}>{run.text}</span> : run.text))}</>;
}
