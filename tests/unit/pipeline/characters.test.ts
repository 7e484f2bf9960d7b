import { describe, expect, it } from 'vitest';
import { MemorySource } from '../../../src/content/source.ts';
import { buildBook } from '../../../src/pipeline/build.ts';

describe('build facts', () => {
  it('count characters as a reader does: a character outside the BMP once, a lone surrogate once', async () => {
    const title = 'Counting';
    const body = '𠀀 and 🎉, then `co\uD800de`.';
    const source = new MemorySource(
      'counting',
      new Map([
        ['book.yaml', 'title: Counts\nauthors: [A. Writer]\nlanguage: en\ndate: 2025-01-31\nchapters:\n  - one.md\n'],
        ['one.md', `---\ntitle: ${title}\n---\n\n${body}\n`],
      ]),
    );
    const { facts } = await buildBook(source, { formats: [], fonts: () => Promise.reject(new Error('no fonts needed')) });
    // 𠀀 and 🎉 are two UTF-16 units each, one character; the code span's lone surrogate is one.
    expect(facts.characters).toBe('Counting'.length + '# and #, then co#de.'.length);
  });
});
