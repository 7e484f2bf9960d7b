import type { PublishedBookDetail } from '../../catalog/public-queries.ts';
import type { Accessibility } from '../../document/accessibility.ts';
import { languageOf, type Language } from '../../language/index.ts';
import { bookLinks, coverImages, groupToc } from '../book-presenter.ts';
import { formatBytes, formatDate, formatPrice } from './format.ts';
import { Layout } from './layout.tsx';
import { LanguageText } from './language-text.tsx';
import { statementPath } from './statement-path.ts';
import { editionFiles, pageCount } from '../../catalog/editions.ts';
import { FORMAT_REGISTRY } from '../../formats/registry.ts';

/** Where the buy form posts (the commerce API answers a form post with a 303 to Stripe Checkout). */
export const CHECKOUT_PATH = '/api/v1/checkout';

/** `/books/{slug}`: cover, description, contents, formats, samples and the buy form, in the book's language. */
export function BookPage({ book, origin }: { book: PublishedBookDetail; origin: string }) {
  const { meta } = book;
  const lang = meta.language;
  const language = languageOf(lang);
  const t = language.words.store;
  const links = bookLinks(origin, book.slug);
  const price = meta.price ? formatPrice(meta.price, lang) : null;
  const formats = editionFiles(book, false);
  const samples = editionFiles(book, true);
  const ogImage = coverImages(origin, book)[0]!;
  return (
    <Layout
      title={`${meta.title} · Bindery`}
      lang={lang}
      description={meta.description}
      head={
        <>
          <link rel="canonical" href={links.page} />
          <meta property="og:type" content="book" />
          <meta property="og:title" content={meta.title} />
          {meta.description ? <meta property="og:description" content={meta.description} /> : null}
          <meta property="og:url" content={links.page} />
          <meta property="og:image" content={ogImage.href} />
          <meta property="og:image:type" content={ogImage.type} />
          <meta property="og:locale" content={lang.replace('-', '_')} />
          {meta.authors.map((a) => (
            <meta property="book:author" content={a} />
          ))}
          {meta.isbn ? <meta property="book:isbn" content={meta.isbn} /> : null}
          <meta property="book:release_date" content={meta.date} />
          {meta.tags.map((tag) => (
            <meta property="book:tag" content={tag} />
          ))}
          <meta name="twitter:card" content="summary" />
          <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: jsonLd(book, origin) }} />
        </>
      }
    >
      <article class="book">
        <div class="cover">
          <img src={links.cover} alt={`${meta.title}`} width="400" height="600" />
        </div>
        <div>
          <h1>
            <LanguageText text={meta.title} language={language} />
          </h1>
          {meta.subtitle ? (
            <p class="subtitle">
              <LanguageText text={meta.subtitle} language={language} />
            </p>
          ) : null}
          <p class="authors">
            <LanguageText text={`${t.by} ${language.list(meta.authors)}${meta.publisher ? ` · ${meta.publisher}` : ''}`} language={language} />
          </p>

          <section class="buy" aria-labelledby="buy-heading">
            <h2 id="buy-heading">
              {t.buy}
            </h2>
            {price ? <p class="price">{price}</p> : null}
            <form method="post" action={CHECKOUT_PATH}>
              <input type="hidden" name="slug" value={book.slug} />
              <label for="email">{t.email}</label>
              <div class="row">
                <input id="email" type="email" name="email" required autocomplete="email" aria-describedby="email-hint" />
                <button type="submit">{price ? t.buyFor(price) : t.buy}</button>
              </div>
              <p class="hint" id="email-hint">
                {t.emailHint}
              </p>
            </form>
            {samples.length ? (
              <ul class="samples">
                {samples.map(({ format, file }) => (
                  <li>
                    <a href={links.sample(format)} type={FORMAT_REGISTRY[format].mediaType}>
                      {t.readSample} ({FORMAT_REGISTRY[format].label}, {formatBytes(file.size, lang)})
                    </a>
                  </li>
                ))}
              </ul>
            ) : null}
          </section>

          {meta.description ? (
            <div class="description">
              <p>
                <LanguageText text={meta.description} language={language} />
              </p>
            </div>
          ) : null}
          {meta.tags.length ? (
            <ul class="tags" aria-label={t.tags}>
              {meta.tags.map((tag) => (
                <li>
                  <a href={`/?tag=${encodeURIComponent(tag)}`}>{tag}</a>
                </li>
              ))}
            </ul>
          ) : null}

          <h2 id="formats">{t.formats}</h2>
          <table aria-labelledby="formats">
            <thead>
              <tr>
                <th scope="col">{t.format}</th>
                <th scope="col">{t.size}</th>
                <th scope="col">{t.pages}</th>
              </tr>
            </thead>
            <tbody>
              {formats.map(({ format, file }) => (
                <tr>
                  <td>{FORMAT_REGISTRY[format].label}</td>
                  <td class="num">{formatBytes(file.size, lang)}</td>
                  <td class="num">{file.pages ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>

          <h2 id="contents">{language.words.book.contents}</h2>
          <nav class="toc" aria-labelledby="contents">
            <ol class="chapters">
              {groupToc(book.chapters).map((group) =>
                group.part ? (
                  <li class="part">
                    <span class="part-title">
                      <LanguageText text={group.part} language={language} />
                    </span>
                    <ol class="chapters">
                      {group.chapters.map((c) => (
                        <Chapter chapter={c} language={language} />
                      ))}
                    </ol>
                  </li>
                ) : (
                  group.chapters.map((c) => <Chapter chapter={c} language={language} />)
                ),
              )}
            </ol>
          </nav>

          {meta.accessibility ? <AccessibilitySection accessibility={meta.accessibility} language={language} /> : null}

          <h2>{t.editions}</h2>
          <ul class="history">
            {book.history.map((h) => (
              <li>
                {t.edition(formatDate(h.date, lang))}
                {h.removedArticles ? `${language.cjk ? '：' : ': '}${t.removedAtRequest(h.removedArticles)}` : null}
              </li>
            ))}
          </ul>
        </div>
      </article>
    </Layout>
  );
}

/** What the EPUB states about its accessibility (EPUB Accessibility 1.1 metadata), in the book's language. */
function AccessibilitySection({ accessibility, language }: { accessibility: Accessibility; language: Language }) {
  const t = language.words.store;
  return (
    <section aria-labelledby="accessibility">
      <h2 id="accessibility">{t.accessibility}</h2>
      <p>
        <LanguageText text={accessibility.accessibilitySummary} language={language} />
      </p>
      <p>
        <LanguageText text={accessibility.conformsTo ? t.conformsTo(accessibility.conformsTo, accessibility.certifiedBy) : t.noConformance} language={language} />
      </p>
      <p>
        <a href={statementPath(language.script === 'Hant' ? 'zh-Hant' : 'en')}>{t.accessibilityStatement}</a>
      </p>
    </section>
  );
}

function Chapter({ chapter, language }: { chapter: PublishedBookDetail['chapters'][number]; language: Language }) {
  return (
    <li class="chapter">
      <span class="chapter-title">
        <LanguageText text={chapter.title} language={language} />
      </span>
      {chapter.headings.length ? (
        <ul class="headings">
          {chapter.headings
            .filter((h) => h.level === 2)
            .map((h) => (
              <li>
                <LanguageText text={h.text} language={language} />
              </li>
            ))}
        </ul>
      ) : null}
    </li>
  );
}

/** schema.org Book, with `<` escaped so the JSON cannot close the script element. */
function jsonLd(book: PublishedBookDetail, origin: string): string {
  const { meta } = book;
  const links = bookLinks(origin, book.slug);
  const pages = pageCount(book);
  const data = {
    '@context': 'https://schema.org',
    '@type': 'Book',
    '@id': links.page,
    url: links.page,
    name: meta.title,
    ...(meta.subtitle ? { alternativeHeadline: meta.subtitle } : {}),
    author: meta.authors.map((name) => ({ '@type': 'Person', name })),
    ...(meta.publisher ? { publisher: { '@type': 'Organization', name: meta.publisher } } : {}),
    inLanguage: meta.language,
    datePublished: meta.date,
    ...(meta.description ? { description: meta.description } : {}),
    ...(meta.isbn ? { isbn: meta.isbn } : {}),
    keywords: meta.tags.join(', '),
    image: coverImages(origin, book)[0]!.href,
    bookFormat: 'https://schema.org/EBook',
    ...(pages ? { numberOfPages: pages } : {}),
    ...(meta.accessibility ? schemaOrgAccessibility(meta.accessibility) : {}),
    ...(meta.price
      ? {
          offers: {
            '@type': 'Offer',
            price: meta.price.amount,
            priceCurrency: meta.price.currency,
            availability: 'https://schema.org/InStock',
            url: links.page,
          },
        }
      : {}),
  };
  return JSON.stringify(data).replace(/</g, '\\u003c');
}

/** schema.org's accessibility properties of a Book, from what the EPUB states (https://schema.org/accessibilityFeature). */
function schemaOrgAccessibility(a: Accessibility) {
  return {
    accessMode: a.accessMode,
    accessModeSufficient: a.accessModeSufficient.map((set) => ({ '@type': 'ItemList', itemListElement: set.split(','), description: set })),
    accessibilityFeature: a.accessibilityFeature,
    accessibilityHazard: a.accessibilityHazard,
    accessibilitySummary: a.accessibilitySummary,
  };
}
