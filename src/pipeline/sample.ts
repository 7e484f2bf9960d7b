import type { BookDocument } from '../document/model.ts';

/**
 * The free sample of a book: its front matter plus the chapters the manifest
 * marks `sample: true`, or the first chapter when none is marked. Links into
 * chapters left out point nowhere, so they are turned into plain text.
 */
export function sampleDocument(doc: BookDocument): BookDocument {
  const marked = doc.chapters.filter((c) => c.sample);
  const chapters = marked.length ? marked : doc.chapters.slice(0, 1);
  const kept = new Set(chapters.map((c) => c.id));
  const parts = doc.parts
    .map((p) => ({ ...p, chapterIds: p.chapterIds.filter((id) => kept.has(id)) }))
    .filter((p) => p.chapterIds.length);
  const used = new Set<string>(doc.meta.cover ? [doc.meta.cover] : []);
  const json = JSON.stringify(chapters);
  for (const path of doc.assets.keys()) if (json.includes(JSON.stringify(path))) used.add(path);
  const sampleChapters = JSON.parse(json, (key, value) =>
    value && typeof value === 'object' && value.type === 'link' && value.target && !kept.has(value.target.chapterId)
      ? { type: 'span', tag: 'span', children: value.children }
      : value,
  );
  return {
    ...doc,
    meta: { ...doc.meta, title: doc.meta.title, subtitle: doc.meta.subtitle },
    chapters: sampleChapters,
    parts,
    assets: new Map([...doc.assets].filter(([path]) => used.has(path))),
  };
}
