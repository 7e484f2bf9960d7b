import { loadBook } from '../../../src/content/load.ts';
import { MemorySource } from '../../../src/content/source.ts';
import { assembleBook } from '../../../src/document/assemble.ts';
import type { BookDocument } from '../../../src/document/model.ts';

/** A one-chapter book without a cover image, in `language`, with a subtitle, two authors and a publisher. */
export async function bookIn(language: string, title = '語言與排版測試手冊'): Promise<BookDocument> {
  const manifest = [
    `title: "${title}"`,
    'subtitle: 一本給編輯的小書',
    `language: ${language}`,
    'authors: [王小明, 陳大文]',
    'publisher: Bindery Press',
    'date: 2025-01-31',
    'chapters:',
    '  - articles/01.md',
  ].join('\n');
  const source = new MemorySource('language-test', new Map([
    ['book.yaml', manifest],
    ['articles/01.md', '---\ntitle: 第一章\n---\n\n內文一段。\n'],
  ]));
  return assembleBook(await loadBook(source));
}
