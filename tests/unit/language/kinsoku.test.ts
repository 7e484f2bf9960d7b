import { describe, expect, it } from 'vitest';
import { isProhibitedLineStart } from '../../../src/language/index.ts';

describe('kinsoku line starts', () => {
  it.each([
    ['em dash of a 破折號', '—'],
    ['ellipsis', '…'],
    ['katakana middle dot', '・'],
    ['hyphenation point used as a Taiwanese interpunct', '‧'],
    ['middle dot', '·'],
  ])('a line never starts with the %s %s', (_name, mark) => {
    expect(isProhibitedLineStart(mark.codePointAt(0)!)).toBe(true);
  });
});
