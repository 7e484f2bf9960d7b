/**
 * Heading ids in the style of GitHub (lowercase, punctuation removed, spaces
 * to dashes; CJK kept), made into valid XML ids, unique within a chapter.
 */
export function slugify(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** XML ids must start with a letter or underscore. */
export function xmlId(slug: string): string {
  return /^[\p{L}_]/u.test(slug) ? slug : `h-${slug}`;
}

export class IdAllocator {
  private readonly used = new Map<string, number>();

  /** A unique id for `text`; repeated texts get `-1`, `-2`, … as GitHub does. */
  next(text: string): string {
    const base = xmlId(slugify(text) || 'section');
    const count = this.used.get(base);
    this.used.set(base, (count ?? -1) + 1);
    return count === undefined ? base : `${base}-${count + 1}`;
  }
}
