/**
 * The EPUB's words, separators and quotation marks come from the book's
 * language (src/language); these names are the ones the EPUB writer uses.
 */
export { languageOf as labelsFor, type Language as Labels } from '../language/index.ts';
