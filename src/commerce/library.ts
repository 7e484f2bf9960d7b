import { EditionRepository, editionFiles } from '../catalog/editions.ts';
import type { Format } from '../formats/registry.ts';
import type { CommerceConfig } from './config.ts';
import { DownloadLinks } from './download-links.ts';
import { LibraryTokens } from './library-tokens.ts';
import { libraryMail, Outbox } from './mail.ts';
import { normaliseEmail } from '../email.ts';
import { OrderRepository } from './orders.ts';

export interface LibraryItem {
  slug: string;
  title: string;
  language: string;
  authors: string[];
  /** The current edition's date, YYYY-MM-DD. */
  editionDate: string;
  orderId: string;
  buildId: string;
  downloads: { format: Format; url: string; bytes: number; pages: number | null }[];
}

export const libraryUrl = (origin: string, token: string) => `${origin}/library/${token}`;

/**
 * Every book the address owns (or the one purchase a scoped link opens), at its current edition (new editions are free),
 * with fresh signed download links. Books taken off sale are left out.
 */
export async function libraryItems(db: D1Database, config: CommerceConfig, access: { email: string; orderId: string | null }, origin: string): Promise<LibraryItem[]> {
  const links = new DownloadLinks(config.SIGNING_KEY);
  const editions = new EditionRepository(db);
  const expiresAt = Math.floor(Date.now() / 1000) + config.DOWNLOAD_TTL_SECONDS;
  const items: LibraryItem[] = [];
  const owned = await new OrderRepository(db).activeForEmail(access.email);
  // A link shown to the browser that paid opens that purchase only.
  for (const order of access.orderId ? owned.filter((o) => o.id === access.orderId) : owned) {
    const edition = await editions.published(order.bookSlug);
    if (!edition) continue;
    const downloads = await Promise.all(
      editionFiles(edition, false).map(async ({ format, file }) => {
        const token = await links.sign({ orderId: order.id, slug: order.bookSlug, format, buildId: edition.buildId, expiresAt });
        return { format, url: `${origin}/download/${token}`, bytes: file.size, pages: file.pages };
      }),
    );
    const { title, language, authors, date } = edition.meta;
    items.push({ slug: order.bookSlug, title, language, authors, editionDate: date, orderId: order.id, buildId: edition.buildId, downloads });
  }
  return items.sort((a, b) => a.title.localeCompare(b.title));
}

/**
 * Writes the mail that carries a library link to the outbox and returns its
 * id (the caller sends it after answering) and the link itself.
 */
export async function queueLibraryMail(
  db: D1Database,
  config: CommerceConfig,
  email: string,
  origin: string,
  reason: 'purchase' | 'grant' | 'resend',
): Promise<{ mailId: number; libraryUrl: string }> {
  const to = normaliseEmail(email);
  const tokens = new LibraryTokens(db, config.SIGNING_KEY);
  const token = reason === 'resend' ? await tokens.issue(to) : await tokens.current(to);
  const url = libraryUrl(origin, token);
  const mailId = await new Outbox(db).enqueue(libraryMail(to, url, reason));
  return { mailId, libraryUrl: url };
}
