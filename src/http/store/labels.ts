import { languageOf, type StoreWords } from '../../language/index.ts';

/** The storefront's interface words for a page in language `tag` (src/language decides; English where a language has none). */
export function storeLabels(tag: string): StoreWords {
  return languageOf(tag).words.store;
}
