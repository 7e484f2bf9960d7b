import { env, SELF } from 'cloudflare:test';
import { buildBook, type BuildResult, type BuiltFile } from '../../../src/pipeline/build.ts';
import { BookRepository } from '../../../src/catalog/books.ts';
import { BuildRepository } from '../../../src/catalog/builds.ts';
import { apiManifestSchema } from '../../../src/catalog/schemas.ts';
import { storeFiles } from '../../../src/worker/consumer.ts';
import type { FaceRole, FontSet } from '../../../src/formats/writer.ts';
import { signStripePayload } from '../../../src/commerce/stripe-signature.ts';
import { MemorySource } from '../../../src/content/source.ts';
import { FALLBACK_FONT_FILES, FONT_FILES } from '../../../src/pdf/font-keys.ts';

export const ORIGIN = 'https://bindery.test';
export const ADMIN_TOKEN = 'test-admin-token';
export const WEBHOOK_SECRET = 'whsec_test_bindery';
export const BOOK_TITLE = '生成式影片工具實戰手冊';

/** A two-chapter zh-Hant book, built once per test file through the one build path (EPUB and PDF writers). */
const SOURCE = new MemorySource(
  'fixture',
  new Map([
    [
      'book.yaml',
      `title: ${BOOK_TITLE}\nslug: fixture\nlanguage: zh-Hant\nauthors: [知識工坊編輯室]\ndate: 2025-10-15\nprice: { amount: 299, currency: TWD }\nchapters:\n  - articles/01.md\n  - articles/02.md\n`,
    ],
    ['articles/01.md', '---\ntitle: 第一章 工具地圖\n---\n\n生成式影片工具正在改變新聞室的工作方式。\n\n## 評估\n\n先看[第二章](02.md)。\n'],
    ['articles/02.md', '---\ntitle: 第二章 工作流程\n---\n\n從 prompt 到發布，每一步都要留下紀錄。\n'],
  ]),
);

let built: Promise<BuildResult> | undefined;

async function fonts(): Promise<FontSet> {
  const read = async (r2Key: string) => new Uint8Array(await (await env.TEST_FONTS.fetch(`https://fonts/${r2Key}`)).arrayBuffer());
  const entries = await Promise.all(FONT_FILES.map(async (font) => [font.role, await read(font.r2Key)] as const));
  return { ...(Object.fromEntries(entries) as Record<FaceRole, Uint8Array>), fallback: (role) => read(FALLBACK_FONT_FILES.find((font) => font.role === role)!.r2Key) };
}

/** The fixture book built once per test file through the one build path (EPUB and PDF writers). */
function builtBook(): Promise<BuildResult> {
  return (built ??= buildBook(SOURCE, { formats: ['epub', 'pdf'], fonts }));
}

/** The fixture book's EPUB and PDF bytes. */
export async function builtFiles(): Promise<BuiltFile[]> {
  return (await builtBook()).files;
}

export interface PublishedBook {
  slug: string;
  buildId: string;
  contentHash: string;
}

let buildCounter = 0;

/**
 * Publishes the fixture book under `slug` through the code the Worker runs:
 * the book saved by the catalog, a build queued and claimed, its files stored
 * by the consumer's store step, completed and published. Only the rendering is
 * shared between slugs (one build per test file), and the content hash is
 * made unique per call. Calling it again for the same slug publishes a new edition.
 * `source` publishes another book instead (built for that call).
 */
export async function publishBook(
  slug: string,
  options: { price?: { amount: number; currency: string } | null; title?: string; source?: MemorySource } = {},
): Promise<PublishedBook> {
  const { files, facts, document } = await (options.source ? buildBook(options.source, { formats: ['epub', 'pdf'], fonts }) : builtBook());
  const buildId = `bld_${slug.replace(/-/g, '')}_${++buildCounter}`;
  const contentHash = `${buildCounter.toString(16).padStart(8, '0')}${'ab'.repeat(28)}`;
  const title = options.title ?? BOOK_TITLE;
  const price = options.price === undefined ? { amount: 299, currency: 'TWD' } : options.price;
  const { price: _fixturePrice, ...bookMeta } = { ...document.meta, modified: document.meta.modified.toISOString() };
  const meta = { ...bookMeta, slug, title, identifier: `urn:uuid:${slug}`, ...(price ? { price } : {}) };
  const books = new BookRepository(env.DB);
  const builds = new BuildRepository(env.DB);
  const manifest = apiManifestSchema.parse({ title, language: 'zh-Hant', authors: ['知識工坊編輯室'], date: '2025-10-15', chapters: [`${slug}/01`] });
  await books.put(slug, { kind: 'book', manifest });
  await builds.enqueue(buildId, slug, contentHash);
  const build = (await builds.claim(buildId))!;
  await builds.complete(buildId, await storeFiles(env.BOOKS, build, files, false), facts, meta);
  await books.publish(slug, buildId);
  return { slug, buildId, contentHash };
}

/** Posts a webhook body signed as Stripe would (or with the given header). */
export async function deliverWebhook(event: unknown, options: { secret?: string; timestamp?: number; header?: string | null; body?: string } = {}): Promise<Response> {
  const body = options.body ?? JSON.stringify(event);
  const header =
    options.header === undefined
      ? await signStripePayload(options.secret ?? WEBHOOK_SECRET, JSON.stringify(event), options.timestamp ?? Math.floor(Date.now() / 1000))
      : options.header;
  return SELF.fetch(`${ORIGIN}/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(header === null ? {} : { 'stripe-signature': header }) },
    body,
  });
}

let eventCounter = 0;
export const eventId = () => `evt_test_${++eventCounter}_${crypto.randomUUID().slice(0, 8)}`;

export function sessionEvent(
  type: 'checkout.session.completed' | 'checkout.session.async_payment_succeeded' | 'checkout.session.async_payment_failed',
  session: { id: string; slug: string; email: string; paymentStatus?: string; paymentIntent?: string },
  id = eventId(),
) {
  return {
    id,
    object: 'event',
    type,
    data: {
      object: {
        id: session.id,
        object: 'checkout.session',
        payment_status: session.paymentStatus ?? 'paid',
        amount_total: 29900,
        currency: 'twd',
        customer_email: null,
        customer_details: { email: session.email },
        metadata: { slug: session.slug },
        payment_intent: session.paymentIntent ?? `pi_${session.id}`,
      },
    },
  };
}

export function refundEvent(paymentIntent: string, id = eventId()) {
  return { id, object: 'event', type: 'charge.refunded', data: { object: { id: `ch_${paymentIntent}`, object: 'charge', payment_intent: paymentIntent, refunded: true } } };
}

let orderCounter = 0;

/** A buyer's browser after starting a checkout: the Stripe session and the cookie binding it to this browser. */
export interface Buyer {
  sessionId: string;
  email: string;
  /** The `Cookie` header the browser sends back to /checkout/success. */
  cookie: string;
  paymentIntent: string;
}

/** Starts a checkout the way the storefront does (POST /api/v1/checkout), keeping the browser cookie it sets. */
export async function startCheckout(slug: string, email = `reader${++orderCounter}@example.com`, cookie?: string): Promise<Buyer> {
  const res = await SELF.fetch(`${ORIGIN}/api/v1/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ slug, email }),
  });
  if (res.status !== 200) throw new Error(`checkout: ${res.status} ${await res.text()}`);
  const { sessionId } = (await res.json()) as { sessionId: string };
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { sessionId, email, cookie: setCookie.split(';')[0], paymentIntent: `pi_${sessionId}` };
}

/** A paid order: a checkout started through the API, then Stripe's signed checkout.session.completed webhook. */
export async function buy(slug: string, email?: string): Promise<Buyer> {
  const buyer = await startCheckout(slug, email);
  const res = await deliverWebhook(sessionEvent('checkout.session.completed', { id: buyer.sessionId, slug, email: buyer.email, paymentIntent: buyer.paymentIntent }));
  if (res.status !== 200) throw new Error(`webhook: ${res.status} ${await res.text()}`);
  return buyer;
}

/** What /checkout/success answers the buyer's browser (JSON). */
export async function successState(buyer: Pick<Buyer, 'sessionId'> & { cookie?: string }): Promise<{ status: string; libraryUrl?: string; message?: string }> {
  const res = await SELF.fetch(`${ORIGIN}/checkout/success?session_id=${buyer.sessionId}`, {
    headers: { accept: 'application/json', ...(buyer.cookie ? { cookie: buyer.cookie } : {}) },
  });
  return res.json();
}

type LibraryView = { libraryUrl: string; items: { slug: string; title: string; purchaseId: string; downloads: { format: string; url: string }[] }[] };

async function openLibrary(libraryUrl: string): Promise<LibraryView> {
  const library = await SELF.fetch(libraryUrl, { headers: { accept: 'application/json' } });
  if (library.status !== 200) throw new Error(`library: ${library.status} ${await library.text()}`);
  return { libraryUrl, ...((await library.json()) as { items: never[] }) };
}

/** Asks for a fresh library link for `email` as the /library form does, from client address `ip`. */
export const requestResend = (email: string, ip = '192.0.2.250') =>
  SELF.fetch(`${ORIGIN}/api/v1/library/resend`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip },
    body: JSON.stringify({ email }),
  });

/** The mails written to `email`, oldest first (the outbox is the test's mailbox). */
export const mailsTo = async (email: string) =>
  (await env.DB.prepare('SELECT body, sent_at FROM mail_outbox WHERE to_email = ? ORDER BY id').bind(email).all<{ body: string; sent_at: string | null }>()).results;

/** The library link in the newest mail to `email`, as the reader finds it in their mailbox. */
export async function mailedLibraryUrl(email: string): Promise<string> {
  const mail = await env.DB.prepare('SELECT body FROM mail_outbox WHERE to_email = ? ORDER BY id DESC LIMIT 1').bind(email).first<{ body: string }>();
  const url = mail && /https:\/\/bindery\.test\/library\/\S+/.exec(mail.body)?.[0];
  if (!url) throw new Error(`no library mail to ${email}`);
  return url;
}

/** Everything `email` owns, through the link mailed to it. */
export async function mailedLibraryOf(email: string): Promise<LibraryView> {
  return openLibrary(await mailedLibraryUrl(email));
}

/** The buyer's purchase, reached as they reach it right after paying: through the success page, in the browser that paid. */
export async function libraryOf(buyer: Buyer): Promise<LibraryView> {
  const { libraryUrl } = await successState(buyer);
  if (!libraryUrl) throw new Error('the success page showed no library link to the buying browser');
  return openLibrary(libraryUrl);
}

/** The purchase id of the buyer's copy of `slug`, as the library shows it. */
export async function purchaseIdOf(buyer: Buyer, slug: string): Promise<string> {
  const id = (await libraryOf(buyer)).items.find((i) => i.slug === slug)?.purchaseId;
  if (!id) throw new Error(`${buyer.email} owns no ${slug}`);
  return id;
}

export function downloadUrl(library: Awaited<ReturnType<typeof libraryOf>>, slug: string, format: 'epub' | 'pdf'): string {
  const url = library.items.find((i) => i.slug === slug)?.downloads.find((d) => d.format === format)?.url;
  if (!url) throw new Error(`no ${format} download for ${slug}`);
  return url;
}

export const admin = (path: string, init: RequestInit = {}) =>
  SELF.fetch(`${ORIGIN}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(init.headers ?? {}) } });
