/**
 * Catalog search text. SQLite's lower() folds ASCII only, so a title such as
 * `Москва и Über Café` was found by `café` but not by `москва` or `über`.
 * Books and queries are folded here instead, the same way on both sides.
 */

/** What a book is found by. */
export interface SearchableMeta {
  title: string;
  subtitle?: string;
  description?: string;
  authors: readonly string[];
}

/**
 * Text as search compares it: compatibility forms to plain ones (full-width
 * Latin, ligatures; composed and decomposed accents alike), then lower case
 * in every script.
 */
export function foldForSearch(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** An edition's title, subtitle, description and authors, folded: what `builds.search_text` holds (`articles.search_title` holds an article's title folded). */
export function searchTextOf(meta: SearchableMeta): string {
  return foldForSearch([meta.title, meta.subtitle ?? '', meta.description ?? '', ...meta.authors].join('\n'));
}
