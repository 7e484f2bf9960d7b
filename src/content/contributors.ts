import { z } from 'zod';
import type { Warning } from '../errors.ts';

/** A consent record's id as the editor API returns it (`cns_…`) and front matter references it. */
export const consentIdSchema = z.string().regex(/^cns_[A-Za-z0-9]{1,64}$/, 'expected a consent id such as cns_4f1c…, as POST /api/v1/consents returns it');

/** Roles the issue names; others are allowed (a newsroom has more), these are what editors reach for. */
export const CONTRIBUTOR_ROLES = ['interviewee', 'photographer', 'illustrator', 'co-author', 'translator'] as const;

/** One person whose work or words an article carries, and the consent record that covers them. */
export const contributorSchema = z.strictObject({
  name: z.string().min(1).max(200),
  role: z.string().min(1).max(60).regex(/^[a-z][a-z -]*$/, `a role in lowercase words, such as ${CONTRIBUTOR_ROLES.join(', ')}`),
  email: z.email().optional(),
  consent: consentIdSchema.optional(),
});

export type Contributor = z.output<typeof contributorSchema>;

/**
 * Front matter `images:`: the image path as the Markdown references it →
 * who made it. A contributor named here contributed those images only; a
 * contributor named nowhere here contributed the article's text.
 */
export const articleImagesSchema = z.record(z.string().min(1).max(300), z.strictObject({ contributor: z.string().min(1).max(200) })).default({});

/** book.yaml `consent:`: every contributor needs a consent record; with `block`, a withdrawal fails the build instead of dropping the article. */
export const consentPolicySchema = z.enum(['required', 'block']);
export type ConsentPolicy = z.output<typeof consentPolicySchema>;

type ArticleContributions = { contributors: Contributor[]; images: Record<string, { contributor: string }> };

/** An image reference written the one way consent records keep it: `./a.png` and `a.png` are the same image. */
export function imageKey(path: string): string {
  return path.split('/').filter((part) => part !== '.' && part !== '').join('/');
}

/** What each contributor of an article contributed: the text, or the images named for them in `images:`. */
export function contributions(meta: ArticleContributions): { contributor: Contributor; images: string[] }[] {
  const imagesOf = new Map<string, string[]>();
  for (const [path, { contributor }] of Object.entries(meta.images)) {
    imagesOf.set(contributor, [...(imagesOf.get(contributor) ?? []), imageKey(path)]);
  }
  return meta.contributors.map((contributor) => ({ contributor, images: imagesOf.get(contributor.name) ?? [] }));
}

/** `images:` entries naming someone the article does not list under `contributors:`: as zod issues, so the line is found. */
export function unlistedImageContributors(meta: ArticleContributions): { path: (string | number)[]; message: string }[] {
  const names = new Set(meta.contributors.map((c) => c.name));
  return Object.entries(meta.images)
    .filter(([, { contributor }]) => !names.has(contributor))
    .map(([path, { contributor }]) => ({ path: ['images', path, 'contributor'], message: `"${contributor}" is not listed under contributors:` }));
}

/** Contributors without a consent record, each at its front matter line: what `consent: required` reports. */
export function contributorsWithoutConsent(file: string, meta: ArticleContributions, lineOf: (path: readonly PropertyKey[]) => number | undefined): Warning[] {
  return meta.contributors.flatMap((c, i) =>
    c.consent ? [] : [{ file, line: lineOf(['contributors', i]), message: `contributor "${c.name}" (${c.role}) has no consent record: add "consent: <id>" (POST /api/v1/consents creates one)` }],
  );
}
