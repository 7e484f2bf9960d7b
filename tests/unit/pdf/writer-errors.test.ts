import { describe, expect, it, vi } from 'vitest';
import { buildBook } from '../../../src/pipeline/build.ts';
import { loadCliFonts } from '../../../src/cli/fonts.ts';
import { MemorySource } from '../../../src/content/source.ts';
import { BinderyError } from '../../../src/errors.ts';

// Layout crashes (as a writer bug would) on the second article only.
vi.mock('../../../src/pdf/layout.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../src/pdf/layout.ts')>();
  return {
    ...original,
    layoutChapter: (async (chapter, ...rest) => {
      if (chapter.file === 'articles/two.md') throw new TypeError("Cannot read properties of undefined (reading 'width')");
      return original.layoutChapter(chapter, ...rest);
    }) satisfies typeof original.layoutChapter,
  };
});

describe('the PDF writer', () => {
  it('reports an unexpected crash inside an article as a build failure naming that article', async () => {
    const source = new MemorySource(
      'crash',
      new Map<string, string>([
        ['book.yaml', 'title: Crash\nlanguage: en\nauthors: [A]\ndate: 2024-01-01\nchapters:\n  - articles/one.md\n  - articles/two.md\n'],
        ['articles/one.md', '---\ntitle: One\n---\n\nFine.\n'],
        ['articles/two.md', '---\ntitle: Two\n---\n\nThe writer trips here.\n'],
      ]),
    );
    const fonts = await loadCliFonts();
    const error = await buildBook(source, { formats: ['pdf'], fonts: async () => fonts }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(BinderyError);
    expect((error as BinderyError).toJSON()).toMatchObject({ code: 'build-failed', file: 'articles/two.md' });
    expect((error as BinderyError).message).toMatch(/reading 'width'/);
  });
});
