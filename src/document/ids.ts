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
  /** Every id given out, and per id the last number a repeat of its text was given. */
  private readonly used = new Map<string, number>();

  /**
   * A unique id for `text`; repeated texts get `-1`, `-2`, … as GitHub does,
   * skipping any id another heading already has: `Intro`, `Intro`, `Intro 1`
   * are `intro`, `intro-1`, `intro-1-1` (the third was a duplicate `intro-1`).
   */
  next(text: string): string {
    const base = xmlId(slugify(text) || 'section');
    let id = base;
    while (this.used.has(id)) {
      const n = this.used.get(base)! + 1;
      this.used.set(base, n);
      id = `${base}-${n}`;
    }
    this.used.set(id, 0);
    return id;
  }
}
