import type { Chapter } from '../document/model.ts';
import { walkBlocks } from '../document/parse.ts';

const ASCII_NCNAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * The ids a chapter's headings get inside the EPUB. The document model keeps
 * GitHub-style ids (CJK kept as is), but XML validators built on older name
 * tables reject rare Han characters (CJK Extension A/B) in ids and fragment
 * references. Ids that are plain ASCII names stay; the others become
 * `sec-<n>` in document order, skipping any id already taken.
 */
export function epubHeadingIds(chapter: Chapter): Map<string, string> {
  const headings: string[] = [];
  walkBlocks(chapter.blocks, (b) => b.type === 'heading' && headings.push(b.id));
  const taken = new Set<string>([chapter.id, ...headings.filter((id) => ASCII_NCNAME.test(id))]);
  const ids = new Map<string, string>();
  let n = 0;
  for (const id of headings) {
    if (ids.has(id)) continue;
    if (ASCII_NCNAME.test(id)) {
      ids.set(id, id);
      continue;
    }
    let candidate: string;
    do candidate = `sec-${++n}`;
    while (taken.has(candidate));
    taken.add(candidate);
    ids.set(id, candidate);
  }
  return ids;
}
