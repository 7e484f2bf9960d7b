import type { Child } from 'hono/jsx';
import { languageOf } from '../../language/index.ts';
import { statementPath } from './statement-path.ts';

/**
 * The page frame every storefront page shares — the catalog, book pages and
 * the commerce pages (checkout success, library). Pass the page's language
 * so screen readers and hyphenation follow the content.
 *
 * @example c.html(<Layout title="Your library" lang="en"><h1>…</h1></Layout>)
 */
export function Layout(props: {
  title: string;
  lang: string;
  description?: string;
  /** Extra elements for <head>: Open Graph tags, JSON-LD. */
  head?: Child;
  children?: Child;
}) {
  // The frame's own words are English; on a page in another language they say so.
  const frame = props.lang === 'en' ? undefined : 'en';
  const statementLang = languageOf(props.lang).script === 'Hant' ? 'zh-Hant' : 'en';
  return (
    <html lang={props.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        {props.description ? <meta name="description" content={props.description} /> : null}
        <link rel="alternate" type="application/opds+json" title="OPDS catalog" href="/opds" />
        <link rel="icon" href="data:," />
        <style dangerouslySetInnerHTML={{ __html: CSS }} />
        {props.head}
      </head>
      <body>
        <a class="skip" href="#main" lang={frame}>
          Skip to content
        </a>
        <header class="site" lang={frame}>
          <a class="brand" href="/">
            Bindery
          </a>
          <nav aria-label="Site">
            <a href="/">Catalog</a>
            <a href="/opds">OPDS</a>
            <a href="/api/openapi.json">API</a>
          </nav>
        </header>
        <main id="main">{props.children}</main>
        <footer class="site">
          <p lang={frame}>Handbooks from Markdown article series · EPUB and PDF · free samples for every book</p>
          <p>
            <a href={statementPath(statementLang)} lang={statementLang === props.lang ? undefined : statementLang}>
              {languageOf(statementLang).words.store.accessibilityStatement}
            </a>
          </p>
        </footer>
      </body>
    </html>
  );
}

const CSS = `
:root {
  --ground: #fbf8f3; --paper: #fff; --ink: #2b2118; --muted: #6b5a4a; --rule: #e4dccf; --accent: #8a3b2e; --accent-ink: #fff;
  --serif: "Iowan Old Style", "Palatino Linotype", Palatino, Georgia, "Noto Serif CJK TC", "Noto Serif TC", "Source Han Serif TC", "Songti TC", serif;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans CJK TC", "Noto Sans TC", "PingFang TC", "Microsoft JhengHei", sans-serif;
  color-scheme: light;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--ground); color: var(--ink); font: 1.0625rem/1.6 var(--sans); }
:lang(zh) body, body:lang(zh) { line-height: 1.8; }
a { color: var(--accent); text-underline-offset: 0.15em; }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid #1f5fbf; outline-offset: 2px; border-radius: 2px; }
.skip { position: absolute; left: -999px; top: 0.5rem; background: var(--paper); padding: 0.5rem 1rem; z-index: 10; }
.skip:focus { left: 0.5rem; }
header.site, footer.site, main { max-width: 72rem; margin: 0 auto; padding: 0 1.25rem; }
header.site { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between; gap: 0.5rem 1.5rem; padding-top: 1.25rem; padding-bottom: 1rem; border-bottom: 1px solid var(--rule); }
.brand { font: 700 1.5rem/1 var(--serif); color: var(--ink); text-decoration: none; letter-spacing: 0.01em; }
header.site nav { display: flex; gap: 1.25rem; font-size: 0.95rem; }
header.site nav a { color: var(--muted); text-decoration: none; }
header.site nav a:hover { color: var(--accent); text-decoration: underline; }
main { padding-top: 2rem; padding-bottom: 3rem; }
footer.site { border-top: 1px solid var(--rule); color: var(--muted); font-size: 0.875rem; padding-top: 1rem; padding-bottom: 2rem; }
h1, h2, h3 { font-family: var(--serif); line-height: 1.25; font-weight: 700; }
h1 { font-size: clamp(1.75rem, 4vw, 2.5rem); margin: 0 0 0.5rem; }
h2 { font-size: 1.35rem; margin: 2.25rem 0 0.75rem; }
.lede { color: var(--muted); margin: 0 0 1.5rem; }
.tools { display: flex; flex-wrap: wrap; gap: 1rem 2rem; align-items: end; margin-bottom: 1.75rem; }
.search { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: end; }
.search label { display: block; font-size: 0.875rem; color: var(--muted); width: 100%; }
textarea { font: inherit; padding: 0.55rem 0.75rem; border: 1px solid #b9ab98; border-radius: 6px; background: var(--paper); width: 36rem; max-width: 100%; }
input[type=search], input[type=email] { font: inherit; padding: 0.55rem 0.75rem; border: 1px solid #b9ab98; border-radius: 6px; background: var(--paper); min-width: 0; width: 18rem; max-width: 100%; }
button, a.button { font: inherit; font-weight: 600; padding: 0.55rem 1.1rem; border: 0; border-radius: 6px; background: var(--accent); color: var(--accent-ink); cursor: pointer; text-decoration: none; display: inline-block; }
button:hover, a.button:hover { background: #6f2e23; }
a.button small { font-weight: 400; opacity: 0.85; }
.library { list-style: none; padding: 0; margin: 1.5rem 0 0; display: grid; gap: 1.75rem; }
.library li { display: flex; gap: 1.25rem; align-items: flex-start; }
.library img { flex: none; width: 96px; height: auto; aspect-ratio: 2 / 3; object-fit: cover; border-radius: 3px; box-shadow: 0 1px 2px rgba(43,33,24,.15), 0 6px 18px rgba(43,33,24,.12); }
.library h2 { font-size: 1.2rem; margin: 0 0 0.2rem; }
.library p { margin: 0 0 0.3rem; color: var(--muted); }
.library .downloads { display: flex; flex-wrap: wrap; gap: 0.5rem; margin-top: 0.75rem; }
button.quiet { background: transparent; color: var(--accent); border: 1px solid var(--accent); }
.tags { display: flex; flex-wrap: wrap; gap: 0.4rem; list-style: none; padding: 0; margin: 0; }
.tags a { display: inline-block; padding: 0.15rem 0.65rem; border: 1px solid var(--rule); border-radius: 999px; background: var(--paper); color: var(--ink); text-decoration: none; font-size: 0.875rem; }
.tags a[aria-current] { background: var(--ink); color: var(--paper); border-color: var(--ink); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: 2rem 1.5rem; list-style: none; padding: 0; margin: 2rem 0 0; }
.card a.title { color: var(--ink); text-decoration: none; }
.card a.title:hover h2 { text-decoration: underline; }
.card img { display: block; width: 100%; height: auto; aspect-ratio: 2 / 3; object-fit: cover; background: var(--rule); border-radius: 3px; box-shadow: 0 1px 2px rgba(43,33,24,.15), 0 6px 18px rgba(43,33,24,.12); }
.card h2 { font-size: 1.1rem; margin: 0.8rem 0 0.2rem; }
.card p { margin: 0; font-size: 0.925rem; color: var(--muted); }
.card .price { color: var(--ink); font-weight: 600; margin-top: 0.25rem; }
.pager { margin-top: 2.5rem; }
.book { display: grid; grid-template-columns: minmax(12rem, 20rem) 1fr; gap: 2.5rem; align-items: start; }
.book .cover img { display: block; width: 100%; height: auto; border-radius: 3px; box-shadow: 0 2px 4px rgba(43,33,24,.15), 0 12px 32px rgba(43,33,24,.18); }
.book .subtitle { font: 1.2rem/1.4 var(--serif); color: var(--muted); margin: 0 0 0.75rem; }
.book .authors { margin: 0 0 1.25rem; }
.buy { background: var(--paper); border: 1px solid var(--rule); border-radius: 8px; padding: 1.25rem; margin: 1.5rem 0; max-width: 34rem; }
.buy h2 { margin-top: 0; }
.buy .price { font: 700 1.6rem/1 var(--serif); margin: 0 0 1rem; }
.buy label { display: block; font-weight: 600; margin-bottom: 0.35rem; }
.buy .hint { font-size: 0.875rem; color: var(--muted); margin: 0.35rem 0 0.9rem; }
.buy .row { display: flex; flex-wrap: wrap; gap: 0.5rem; }
.samples { display: flex; flex-wrap: wrap; gap: 0.5rem 1.25rem; margin: 0; padding: 0; list-style: none; }
.samples a { font-weight: 600; }
.description { max-width: 40rem; }
table { border-collapse: collapse; min-width: 18rem; }
th, td { text-align: left; padding: 0.4rem 1.25rem 0.4rem 0; border-bottom: 1px solid var(--rule); }
th { font-size: 0.875rem; color: var(--muted); font-weight: 600; }
td.num { font-variant-numeric: tabular-nums; }
.toc { counter-reset: chapter; }
.toc ol, .toc ul { list-style: none; margin: 0; padding: 0; }
.toc .chapter { counter-increment: chapter; margin: 0.6rem 0; }
.toc .chapter-title { font-weight: 600; }
.toc .chapter-title::before { content: counter(chapter) ". "; color: var(--muted); font-variant-numeric: tabular-nums; }
.toc .part { margin: 1.1rem 0 0.6rem; }
.toc .part-title { display: block; font: 700 1.05rem/1.4 var(--serif); }
.toc .part > ol { margin-top: 0.35rem; padding-left: 1rem; border-left: 2px solid var(--rule); }
.toc .headings { padding-left: 1.6rem; color: var(--muted); font-size: 0.925rem; }
.toc .headings li { margin: 0.15rem 0; }
.history { color: var(--muted); font-size: 0.925rem; padding-left: 1.2rem; }
@media (max-width: 44rem) {
  body { font-size: 1rem; }
  .book { grid-template-columns: 1fr; gap: 1.5rem; }
  .book .cover { max-width: 14rem; }
  .grid { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 1.5rem 1rem; }
  input[type=search], input[type=email] { width: 100%; }
  .search { width: 100%; }
  .search input { flex: 1; }
}
`;
