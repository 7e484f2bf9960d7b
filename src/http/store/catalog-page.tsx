import type { PublishedBook } from '../../catalog/editions.ts';
import { languageOf } from '../../language/index.ts';
import { formatPrice } from './format.ts';
import { Layout } from './layout.tsx';

export interface CatalogView {
  books: PublishedBook[];
  tags: { tag: string; books: number }[];
  tag?: string;
  q?: string;
  /** URL of the next page, when there is one. */
  nextUrl: string | null;
}

const UI_LANGUAGE = 'en';

/** `/`: every published book as a cover grid, with search and a tag filter. */
export function CatalogPage({ view }: { view: CatalogView }) {
  const ui = languageOf(UI_LANGUAGE);
  const t = ui.words.store;
  const heading = view.q ? `${t.search}: ${ui.quote(view.q)}` : view.tag ? `${t.tags}: ${view.tag}` : t.catalog;
  return (
    <Layout title={`${heading} · Bindery`} lang={UI_LANGUAGE} description="Handbooks for newsrooms and editors, in English and Chinese, as EPUB and PDF.">
      <h1>{heading}</h1>
      <p class="lede">Practical handbooks built from article series — EPUB and PDF, with a free sample of every book.</p>
      <div class="tools">
        <form class="search" role="search" method="get" action="/">
          <label for="q">{t.search}</label>
          <input id="q" type="search" name="q" value={view.q ?? ''} placeholder={t.searchPlaceholder} />
          {view.tag ? <input type="hidden" name="tag" value={view.tag} /> : null}
          <button type="submit">{t.searchButton}</button>
        </form>
      </div>
      {view.tags.length ? (
        <nav aria-label={t.tags}>
          <ul class="tags">
            <li>
              <a href={view.q ? `/?q=${encodeURIComponent(view.q)}` : '/'} aria-current={view.tag ? undefined : 'true'}>
                {t.allTags}
              </a>
            </li>
            {view.tags.map(({ tag }) => (
              <li>
                <a href={tagHref(tag, view.q)} aria-current={view.tag === tag ? 'true' : undefined}>
                  {tag}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <h2 class="visually-hidden">{t.catalog}</h2>
      {view.books.length ? (
        <ul class="grid">
          {view.books.map((book) => (
            <BookCard book={book} />
          ))}
        </ul>
      ) : (
        <p>{t.noBooks}</p>
      )}
      {view.nextUrl ? (
        <p class="pager">
          <a href={view.nextUrl} rel="next">
            {t.more} →
          </a>
        </p>
      ) : null}
    </Layout>
  );
}

function tagHref(tag: string, q: string | undefined): string {
  const params = new URLSearchParams({ tag });
  if (q) params.set('q', q);
  return `/?${params}`;
}

function BookCard({ book }: { book: PublishedBook }) {
  const { meta } = book;
  const href = `/books/${encodeURIComponent(book.slug)}`;
  const language = languageOf(meta.language);
  return (
    <li class="card" lang={meta.language}>
      <a class="title" href={href}>
        <img src={`/api/v1/books/${encodeURIComponent(book.slug)}/cover`} alt="" width="400" height="600" loading="lazy" />
        <h2>{meta.title}</h2>
      </a>
      <p>{language.list(meta.authors)}</p>
      <p class="price">{meta.price ? formatPrice(meta.price, UI_LANGUAGE) : language.words.store.free}</p>
    </li>
  );
}
