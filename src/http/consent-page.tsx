import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { bodyLimit } from 'hono/body-limit';
import { ConsentLinks } from '../catalog/consent-links.ts';
import { ConsentRepository, type ConsentEvent, type ConsentRecord, type ConsentUse } from '../catalog/consents.ts';
import { EditionContentRepository, type EditionOnSale } from '../catalog/edition-contents.ts';
import { BinderyError } from '../errors.ts';
import { ConsentChanges } from '../worker/consent-rebuilds.ts';
import type { AppEnv } from './app.ts';
import { consentWords } from '../language/index.ts';
import { validationHook } from './openapi.ts';
import { originOf } from './origin.ts';
import { formatDate } from './store/format.ts';
import { Layout } from './store/layout.tsx';

const TokenParam = z.object({ token: z.string().min(1).max(300).openapi({ param: { name: 'token', in: 'path' }, description: 'The consent link the publisher sent' }) });
const withdrawForm = z.object({ reason: z.string().max(2000).optional().transform((r) => r?.trim() || null) }).openapi('ConsentWithdrawal');
const html = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });
const limitForm = bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.text('The form is larger than 16 KB.', 413) });
const DONE = { withdrawn: 'doneWithdrawn', granted: 'doneGranted' } as const;

/**
 * The contributor's consent page, `/consent/<token>`: what of theirs is used
 * and where, and one-click withdrawal or re-grant. No account: the signed
 * link is the key. Forms are accepted from this site only (Origin and
 * Sec-Fetch-Site), and a bad link changes nothing.
 */
export function consentPageRoutes(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/consent/{token}',
      tags: ['consent'],
      summary: "A contributor's consent page: what of theirs is used, in which books and editions on sale; withdraw or give consent again",
      request: { params: TokenParam, query: z.object({ done: z.enum(['withdrawn', 'granted']).optional() }) },
      responses: { 200: html('The page, in the language of the consent record'), 403: html('Forged, malformed or expired link'), 404: html('No such consent record') },
    }),
    async (c) => {
      const { token } = c.req.valid('param');
      const opened = await open(c, token);
      if ('error' in opened) return opened.error;
      const { record } = opened;
      const consents = new ConsentRepository(c.env.DB);
      const [uses, events, onSale] = await Promise.all([consents.uses(record.id), consents.events(record.id), new EditionContentRepository(c.env.DB).publishedWith(record.id)]);
      const done = c.req.valid('query').done;
      return c.html(<ConsentPage record={record} uses={uses} events={events} onSale={onSale} token={token} notice={done ? consentWords(record.language)[DONE[done]] : undefined} />, 200);
    },
  );

  for (const action of ['withdraw', 'grant'] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/consent/{token}/${action}`,
        tags: ['consent'],
        summary: action === 'withdraw' ? 'Withdraw consent (the consent page\'s form); books on sale holding the content are rebuilt without it and republished' : 'Give consent again (the consent page\'s form)',
        middleware: [limitForm],
        request: { params: TokenParam, body: { required: false, content: { 'application/x-www-form-urlencoded': { schema: withdrawForm } } } },
        responses: { 303: { description: 'Back to the consent page, which says what happened' }, 403: html('Forged or expired link, or a form sent from another site: nothing changes'), 404: html('No such consent record') },
      }),
      async (c) => {
        const { token } = c.req.valid('param');
        if (crossSite(c)) return c.html(<ErrorPage message={`${consentWords('en').crossSite} ${consentWords('zh-Hant').crossSite}`} />, 403);
        const opened = await open(c, token);
        if ('error' in opened) return opened.error;
        const changes = new ConsentChanges(c.env);
        if (action === 'withdraw') {
          // The reason is optional: a body that is not the page's form withdraws without one.
          const isForm = /^application\/x-www-form-urlencoded/i.test(c.req.header('content-type') ?? '');
          const parsed = withdrawForm.safeParse(isForm ? await c.req.parseBody() : {});
          await changes.withdraw(opened.record.id, 'consent link', parsed.success ? parsed.data.reason : null);
        } else await changes.regrant(opened.record.id, 'consent link');
        return c.redirect(`/consent/${encodeURIComponent(token)}?done=${action === 'withdraw' ? 'withdrawn' : 'granted'}`, 303);
      },
    );
  }

  return app;
}

/** The record a link opens, or the error page to answer with: nothing is looked up for a link whose signature fails. */
async function open(c: Context<AppEnv>, token: string): Promise<{ record: ConsentRecord } | { error: Response }> {
  c.header('cache-control', 'private, no-store');
  try {
    const id = await new ConsentLinks(c.env.SIGNING_KEY).verify(token);
    return { record: await new ConsentRepository(c.env.DB).get(id) };
  } catch (err) {
    if (!(err instanceof BinderyError) || (err.code !== 'forbidden' && err.code !== 'not-found')) throw err;
    const message = err.code === 'forbidden' ? err.message : 'this consent record no longer exists';
    return { error: await c.html(<ErrorPage message={`${message.charAt(0).toUpperCase()}${message.slice(1)}. Nothing was changed.`} />, err.code === 'forbidden' ? 403 : 404) };
  }
}

/**
 * A form post from another site (a forged cross-site request) says so in
 * Sec-Fetch-Site, which every current browser sends. Origin is the fallback
 * for older ones only: under this site's `Referrer-Policy: no-referrer`,
 * Chromium sends `Origin: null` even for its own forms.
 */
function crossSite(c: Context<AppEnv>): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site) return site !== 'same-origin' && site !== 'none';
  const origin = c.req.header('origin');
  return !!origin && origin !== originOf(c) && origin !== new URL(c.req.url).origin;
}

/** The contributor's pages in the storefront frame; never indexed, they carry a private link. */
function Page(props: { title: string; lang: string; children: Child }) {
  return (
    <Layout title={props.title} lang={props.lang} head={<meta name="robots" content="noindex" />}>
      {props.children}
    </Layout>
  );
}

function ErrorPage(props: { message: string }) {
  return (
    <Page title="Consent link" lang="en">
      <h1>Consent link</h1>
      <p role="alert">{props.message}</p>
      <p>If you need a new link, please write to the publisher who sent it to you.</p>
    </Page>
  );
}

function ConsentPage(props: { record: ConsentRecord; uses: ConsentUse[]; events: ConsentEvent[]; onSale: EditionOnSale[]; token: string; notice?: string }) {
  const { record, uses, events, onSale, token } = props;
  const lang = record.language;
  const w = consentWords(lang);
  const day = (iso: string) => formatDate(iso.slice(0, 10), lang);
  const lastChange = events[events.length - 1]?.at ?? record.updatedAt;
  const articles = groupByArticle(uses);
  const action = `/consent/${encodeURIComponent(token)}`;
  return (
    <Page title={w.title} lang={lang}>
      <h1>{w.title}</h1>
      {props.notice ? <p role="status">{props.notice}</p> : null}
      <p>{record.status === 'granted' ? w.intro(record.contributor, record.role) : w.introWithdrawn(record.contributor, record.role)}</p>
      <p>
        <strong>{record.status === 'granted' ? w.statusGranted(day(lastChange)) : w.statusWithdrawn(day(lastChange))}</strong>{' '}
        {record.scope === 'all' ? w.scopeAll : w.scopeBook(record.scopeBook ?? '')}
      </p>

      <h2>{w.usesHeading}</h2>
      <ul>
        {articles.map((a) => (
          <li>
            <cite>{a.title ?? w.unknownArticle}</cite>: {[...(a.text ? [w.articleText] : []), ...a.images.map(w.image)].join(', ')}
          </li>
        ))}
      </ul>

      <h2>{w.onSaleHeading}</h2>
      {onSale.length ? (
        <>
          <ul>
            {onSale.map((e) => (
              <li>
                <a href={`/books/${encodeURIComponent(e.slug)}`}>{e.title}</a> ({e.kind === 'bundle' ? w.bundle : w.book}, {w.edition(formatDate(e.editionDate, lang))})
              </li>
            ))}
          </ul>
          {record.status === 'withdrawn' ? <p>{w.onSaleRebuilding}</p> : null}
        </>
      ) : (
        <p>{w.onSaleNone}</p>
      )}

      {record.status === 'granted' ? (
        <form method="post" action={`${action}/withdraw`}>
          <h2>{w.withdrawHeading}</h2>
          <p>{w.withdrawExplain}</p>
          <p>
            <label for="consent-reason">{w.reasonLabel}</label>
          </p>
          <p>
            <textarea id="consent-reason" name="reason" rows={3} cols={48} maxlength={2000} aria-describedby="consent-reason-hint"></textarea>
          </p>
          <p id="consent-reason-hint">{w.reasonHint}</p>
          <p>
            <button type="submit">{w.withdrawButton}</button>
          </p>
        </form>
      ) : (
        <form method="post" action={`${action}/grant`}>
          <h2>{w.regrantHeading}</h2>
          <p>{w.regrantExplain}</p>
          <p>
            <button type="submit">{w.regrantButton}</button>
          </p>
        </form>
      )}

      <h2>{w.historyHeading}</h2>
      <ol>
        {events.map((e) => (
          <li>
            <time datetime={e.at}>{day(e.at)}</time>: {w.actions[e.action]} {e.source === 'consent link' ? w.viaLink : w.viaPublisher}
          </li>
        ))}
      </ol>
    </Page>
  );
}

function groupByArticle(uses: ConsentUse[]): { id: string; title: string | null; text: boolean; images: string[] }[] {
  const byId = new Map<string, { id: string; title: string | null; text: boolean; images: string[] }>();
  for (const use of uses) {
    const entry = byId.get(use.articleId) ?? { id: use.articleId, title: use.title, text: false, images: [] };
    if (use.image === null) entry.text = true;
    else entry.images.push(use.image);
    byId.set(use.articleId, entry);
  }
  return [...byId.values()];
}
