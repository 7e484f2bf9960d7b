import type { Child } from 'hono/jsx';
import type { LibraryItem } from '../../commerce/library.ts';
import { languageOf } from '../../language/index.ts';
import { FORMAT_REGISTRY } from '../../formats/registry.ts';
import { bookLinks } from '../book-presenter.ts';
import { formatBytes, formatDate } from '../store/format.ts';
import { Layout } from '../store/layout.tsx';

/** The buyer's pages (checkout result, library) in the storefront frame; never indexed, they carry private links. */
export function Page(props: { title: string; children: Child }) {
  return (
    <Layout title={props.title} lang="en" head={<meta name="robots" content="noindex" />}>
      {props.children}
    </Layout>
  );
}

export function MessagePage(props: { title: string; message: string }) {
  return (
    <Page title={props.title}>
      <h1>{props.title}</h1>
      <p>{props.message}</p>
    </Page>
  );
}

export function PendingPage() {
  return (
    <Page title="Payment is being confirmed">
      <h1>Payment is being confirmed</h1>
      <p>Thank you! Stripe is confirming your payment, which usually takes a few seconds. Your library link will appear on this page and in your mail.</p>
      {/* No timed reload: a page that reloads itself restarts a screen reader and takes the reader's place away (WCAG 2.2.1, F41). */}
      <p>
        <a href="">Check again</a>
      </p>
    </Page>
  );
}

/** The link shows only in the browser that paid, shortly after paying; elsewhere the page points to the mail. */
export function SuccessPage(props: { libraryUrl?: string; title: string }) {
  return (
    <Page title="Thank you">
      <h1>Thank you</h1>
      {props.libraryUrl ? (
        <>
          <p>
            <cite>{props.title}</cite> is in your library. We have also mailed you the link.
          </p>
          <p>
            <a href={props.libraryUrl}>Open your library</a>
          </p>
        </>
      ) : (
        <p>
          <cite>{props.title}</cite> is in your library. We have e-mailed you the link to it; if it does not arrive, <a href="/library">ask for a new one</a>.
        </p>
      )}
    </Page>
  );
}

export function LibraryPage(props: { email: string; items: LibraryItem[]; origin: string; onePurchase: boolean }) {
  return (
    <Page title="Your library">
      <h1>Your library</h1>
      {props.onePurchase ? (
        <p>Your purchase. Download links are valid for a day; come back here for fresh ones. The link we e-mailed to {props.email} opens every book bought with it.</p>
      ) : (
        <p>Books bought with {props.email}. Download links are valid for a day; come back here for fresh ones. New editions are free.</p>
      )}
      {props.items.length === 0 ? (
        <p>No books yet.</p>
      ) : (
        <ul class="library">
          {props.items.map((item) => (
            <li>
              <img src={bookLinks(props.origin, item.slug).cover} alt="" width="96" height="144" loading="lazy" />
              <div>
                <h2 lang={item.language}>{item.title}</h2>
                <p lang={item.language}>{languageOf(item.language).list(item.authors)}</p>
                <p>Edition of {formatDate(item.editionDate, 'en')}</p>
                <p class="downloads">
                  {item.downloads.map((d) => (
                    <a class="button" href={d.url} download>
                      Download {FORMAT_REGISTRY[d.format].label} <small>({formatBytes(d.bytes, 'en')}{d.pages ? `, ${d.pages} pages` : ''})</small>
                    </a>
                  ))}
                </p>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}

/** `/library` without a link (or with a dead one): ask for a fresh link by mail. */
export function ResendPage(props: { sent?: boolean; notice?: string }) {
  return (
    <Page title="Your library">
      <h1>Your library</h1>
      {props.notice ? <p role="alert">{props.notice.charAt(0).toUpperCase() + props.notice.slice(1)}.</p> : null}
      {props.sent ? (
        <p role="status">If that address has bought books here, a fresh link to its library is on its way. Once you open it, older links stop working.</p>
      ) : (
        <p>Enter the e-mail address you bought with and we will send you a fresh link to your library. Once you open it, older links stop working.</p>
      )}
      <form method="post" action="/api/v1/library/resend">
        <p>
          <label for="resend-email">E-mail address</label>
        </p>
        <p>
          <input id="resend-email" name="email" type="email" autocomplete="email" required /> <button type="submit">Send me my library link</button>
        </p>
      </form>
    </Page>
  );
}
