import { ConsentRepository, type WithheldUse } from '../catalog/consents.ts';
import type { BookManifest } from '../content/manifest.ts';
import { chapterNames, MANIFEST } from '../content/source.ts';
import type { BookSnapshot, RemovedArticle } from './storage-source.ts';
import { BinderyError } from '../errors.ts';


/** A book's chapters with what consent lets into this build. */
export interface ConsentedChapters {
  manifest: BookManifest;
  ids: { id: string; field: string }[];
  removed: RemovedArticle[];
  /** Article id → image paths (as the article references them) whose contributor's consent does not reach the book. */
  withheldImages: Map<string, string[]>;
}

/**
 * Leaves out of a build what consent does not let in: an article whose text
 * contributor withdrew leaves the book or bundle (recorded for the
 * changelog), a withdrawn image is marked for the placeholder. A book whose
 * book.yaml sets `consent: block` is not built at all: the error names the
 * article and the contributor, and the editor decides.
 */
export async function applyConsent(db: D1Database, slug: string, manifest: BookManifest, ids: { id: string; field: string }[]): Promise<ConsentedChapters> {
  const consents = new ConsentRepository(db);
  if (manifest.consent) {
    // A book that requires consent needs records, not only references: a mistyped id covers no one.
    const [unknown] = await consents.unknownReferences(ids.map((i) => i.id));
    if (unknown) throw new BinderyError('invalid-article', `consent "${unknown.consentId}" is not a consent record; book.yaml sets "consent"`, { file: unknown.articleId, field: 'contributors' });
  }
  const withheld = await consents.withheld(slug, ids.map((i) => i.id));
  if (!withheld.length) return { manifest, ids, removed: [], withheldImages: new Map() };
  if (manifest.consent === 'block') {
    const [first] = withheld;
    const what = first.image ? `image "${first.image}" of article "${first.articleId}"` : `article "${first.articleId}"`;
    throw new BinderyError('invalid-article', `${what} cannot be built: ${describe(first)}; book.yaml sets "consent: block", so the editor must remove it`, {
      file: first.articleId,
      field: 'contributors',
    });
  }
  const removed = new Map<string, RemovedArticle>();
  const withheldImages = new Map<string, string[]>();
  for (const use of withheld) {
    if (use.image === null) {
      if (!removed.has(use.articleId)) removed.set(use.articleId, { article: use.articleId, contributor: use.contributor, role: use.role, consent: use.consentId, status: use.status });
    } else withheldImages.set(use.articleId, [...(withheldImages.get(use.articleId) ?? []), use.image]);
  }
  const kept = ids.filter((i) => !removed.has(i.id));
  if (!kept.length) {
    throw new BinderyError('invalid-manifest', `every chapter was left out: ${[...removed.values()].map((r) => `"${r.article}" (${describe(r)})`).join(', ')}`, { file: MANIFEST, field: 'chapters' });
  }
  return { manifest: { ...manifest, chapters: withoutArticles(manifest.chapters, removed) }, ids: kept, removed: [...removed.values()], withheldImages };
}

function describe(use: { contributor: string; role: string; status: WithheldUse['status'] }): string {
  return use.status === 'withdrawn' ? `${use.contributor} (${use.role}) withdrew consent` : `the consent of ${use.contributor} (${use.role}) covers another book only`;
}

type Chapters = BookManifest['chapters'];

/** The chapter list without the named articles; a part left empty goes too. */
function withoutArticles(chapters: Chapters, removed: ReadonlyMap<string, unknown>): Chapters {
  const name = (entry: Exclude<Chapters[number], { part: string }>) => (typeof entry === 'string' ? entry : 'file' in entry ? entry.file : entry.article);
  return chapters.flatMap((entry): Chapters => {
    if (typeof entry === 'object' && 'part' in entry) {
      const inner = entry.chapters.filter((c) => !removed.has(name(c)));
      return inner.length ? [{ ...entry, chapters: inner }] : [];
    }
    return removed.has(name(entry)) ? [] : [entry];
  });
}

/**
 * A snapshot (the edition on sale's) with what consent no longer lets in
 * taken out: the rebuild a withdrawal queues, so the new edition is the old
 * one without the content, and nothing the editor has not published yet.
 */
export async function withoutWithheld(db: D1Database, snapshot: BookSnapshot): Promise<BookSnapshot> {
  const ids = chapterNames(snapshot.manifest).map((c) => ({ id: c.name, field: c.field.join('.') }));
  const consented = await applyConsent(db, snapshot.slug, snapshot.manifest, ids);
  const byId = new Map(snapshot.articles.map((a) => [a.id, a]));
  const removed = [...(snapshot.removed ?? []), ...consented.removed];
  return {
    ...snapshot,
    manifest: consented.manifest,
    articles: consented.ids.map(({ id }) => {
      const { withheldImages: _before, ...article } = byId.get(id)!;
      const withheldImages = consented.withheldImages.get(id);
      return { ...article, ...(withheldImages ? { withheldImages } : {}) };
    }),
    ...(removed.length ? { removed } : {}),
  };
}
