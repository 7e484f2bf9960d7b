import type { BookMeta, Chapter } from '../document/model.ts';
import { displayUrl, externalUrl } from '../document/urls.ts';
import type { Language } from '../language/index.ts';
import { attrs, text, XML_DECLARATION } from '../xml.ts';
import { languageText } from './language-text.ts';

export const STYLESHEET_HREF = 'styles/book.css';

interface PageOptions {
  lang: string;
  title: string;
  /** Structural semantics of the body (epub:type), e.g. `bodymatter`. */
  bodyType?: string;
  body: string;
}

/**
 * An XHTML content document: UTF-8, `xml:lang` and `lang` on the root, the book's stylesheet.
 *
 * Every `epub:type` the writer emits carries the DPUB-ARIA role that means the
 * same, as EPUB Accessibility 1.1 asks, except where none exists or ARIA in
 * HTML does not allow it on the element: the body's `frontmatter` and
 * `bodymatter` (no role; `body` takes none), `titlepage` and `copyright-page`
 * (DPUB-ARIA has no role for them), and the nav document's `landmarks` list.
 */
export function xhtmlPage({ lang, title, bodyType, body }: PageOptions): string {
  return (
    XML_DECLARATION +
    '<!DOCTYPE html>\n' +
    `<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"${attrs({ 'xml:lang': lang, lang })}>\n` +
    `<head>\n<meta charset="UTF-8"/>\n<title>${text(title)}</title>\n<link rel="stylesheet" type="text/css" href="${STYLESHEET_HREF}"/>\n</head>\n` +
    `<body${attrs({ 'epub:type': bodyType })}>\n${body}</body>\n</html>\n`
  );
}

export function coverPage(meta: BookMeta, language: Language, imageHref: string): string {
  // doc-cover is allowed on <img> only, so the image carries both the epub:type and the role.
  const body = `<section class="cover">\n<img${attrs({ 'epub:type': 'cover', role: 'doc-cover', src: imageHref, alt: meta.title })}/>\n</section>\n`;
  return xhtmlPage({ lang: meta.language, title: language.words.book.cover, bodyType: 'frontmatter', body });
}

export function titlePage(meta: BookMeta, language: Language): string {
  const say = (value: string) => languageText(value, language);
  const lines = [
    `<h1 class="title">${say(meta.title)}</h1>`,
    meta.subtitle ? `<p class="subtitle">${say(meta.subtitle)}</p>` : '',
    `<p class="authors">${say(language.list(meta.authors))}</p>`,
    meta.publisher ? `<p class="publisher">${say(meta.publisher)}</p>` : '',
  ].filter(Boolean);
  // No DPUB-ARIA role means "title page": epub:type alone.
  const body = `<section epub:type="titlepage" class="titlepage">\n${lines.join('\n')}\n</section>\n`;
  return xhtmlPage({ lang: meta.language, title: meta.title, bodyType: 'frontmatter', body });
}

export function copyrightPage(meta: BookMeta, language: Language): string {
  const words = language.words.book;
  const say = (value: string) => languageText(value, language);
  const line = (label: string, value: string) => `<p><span class="label">${say(label)}</span> ${say(value)}</p>`;
  const lines = [
    `<p class="book-title">${say(meta.title)}${meta.subtitle ? `<br/>${say(meta.subtitle)}` : ''}</p>`,
    `<p>${say(language.list(meta.authors))}</p>`,
    meta.publisher ? line(words.publisher, meta.publisher) : '',
    line(words.date, meta.date),
    line(words.identifier, meta.isbn ? `ISBN ${meta.isbn}` : meta.identifier),
    meta.rights ? `<p class="rights">${say(meta.rights)}</p>` : '',
    meta.description ? `<p class="description">${say(meta.description)}</p>` : '',
    `<p class="colophon">${say(words.builtWith)}</p>`,
  ].filter(Boolean);
  // No DPUB-ARIA role means "copyright page" (doc-colophon is a different thing): epub:type alone.
  const body = `<section epub:type="copyright-page" class="copyright">\n${lines.join('\n')}\n</section>\n`;
  return xhtmlPage({ lang: meta.language, title: words.copyright, bodyType: 'frontmatter', body });
}

export function partPage(language: Language, title: string): string {
  const body = `<section epub:type="part" role="doc-part" class="part">\n<h1>${languageText(title, language)}</h1>\n</section>\n`;
  return xhtmlPage({ lang: language.tag, title, bodyType: 'bodymatter', body });
}

/** A chapter: its title as the one `<h1>`, a byline and source when the article has them, then its blocks. */
export function chapterPage(chapter: Chapter, language: Language, bookLanguage: Language, content: string): string {
  const byline = [chapter.author ? languageText(chapter.author, language) : '', chapter.date ? `<time datetime="${chapter.date}">${chapter.date}</time>` : '']
    .filter(Boolean)
    .join(' · ');
  const source = chapter.source ? externalUrl(chapter.source) : undefined;
  const header = [
    `<h1>${languageText(chapter.title, language)}</h1>`,
    byline ? `<p class="byline">${byline}</p>` : '',
    source ? `<p class="source">${inBookLanguage(bookLanguage.words.book.source, language, bookLanguage)}<a${attrs({ href: source })}>${languageText(displayUrl(source), language)}</a></p>` : '',
  ].filter(Boolean);
  const body = `<section epub:type="chapter" role="doc-chapter" class="chapter">\n<header>\n${header.join('\n')}\n</header>\n${content}</section>\n`;
  return xhtmlPage({ lang: language.tag, title: chapter.title, bodyType: 'bodymatter', body });
}

/** The book's own words inside a chapter in another language, tagged with the book's language. */
function inBookLanguage(words: string, chapterLanguage: Language, bookLanguage: Language): string {
  if (chapterLanguage.tag === bookLanguage.tag) return languageText(words, bookLanguage);
  return `<span${attrs({ lang: bookLanguage.tag, 'xml:lang': bookLanguage.tag })}>${languageText(words, bookLanguage)}</span>`;
}
