import { describe, expect, it } from 'vitest';
import { prepareBook } from '../../../src/pipeline/build.ts';
import { DirectorySource } from '../../../src/cli/directory-source.ts';

describe('Characters reading systems cannot draw', () => {
  it('are named with their code point and the line they first appear on, once per chapter', async () => {
    const { warnings } = (await prepareBook(new DirectorySource('tests/fixtures/books/edge-cases'), { formats: ['epub'] })).document;
    const rare = warnings.filter((w) => /may show as a box/.test(w.message));
    const kinsoku = rare.filter((w) => w.file.endsWith('01-kinsoku.md'));
    expect(kinsoku.find((w) => w.message.includes('𠀀'))).toMatchObject({ line: 29 });
    expect(kinsoku.find((w) => w.message.includes('𠀀'))!.message).toContain('U+20000, CJK Extension B or later');
    expect(kinsoku.find((w) => w.message.includes('㐀 (U+3400, CJK Extension A)'))).toMatchObject({ line: 29 });
    expect(kinsoku.find((w) => w.message.includes('😀 (U+1F600, emoji)'))).toMatchObject({ line: 36 });
    // Each character is named once in its chapter, even where it appears again (line 32, line 38).
    expect(kinsoku.filter((w) => w.message.includes('𪚥'))).toHaveLength(1);
    expect(kinsoku.some((w) => w.line === 38)).toBe(false);
    // A table row's characters carry the row's line.
    expect(rare.find((w) => w.file.endsWith('02-overflow.md') && w.message.includes('𪚥'))).toMatchObject({ line: 62 });
  });

  it('leaves ordinary Traditional Chinese, punctuation and symbols alone', async () => {
    const { warnings } = (await prepareBook(new DirectorySource('books/ai-video-handbook'), { formats: ['epub'] })).document;
    expect(warnings.filter((w) => /may show as a box/.test(w.message))).toEqual([]);
  });
});
