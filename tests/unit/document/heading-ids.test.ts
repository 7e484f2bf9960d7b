import { describe, expect, it } from 'vitest';
import { IdAllocator } from '../../../src/document/ids.ts';

const ids = (...texts: string[]) => {
  const allocator = new IdAllocator();
  return texts.map((text) => allocator.next(text));
};

describe('heading ids within a chapter', () => {
  it('number repeats as GitHub does', () => {
    expect(ids('Intro', 'Intro', 'Intro', 'Other')).toEqual(['intro', 'intro-1', 'intro-2', 'other']);
  });

  it('stay unique when a heading text ends in the number a repeat would get (EPUBCheck refused the duplicate)', () => {
    expect(ids('Intro', 'Intro', 'Intro 1')).toEqual(['intro', 'intro-1', 'intro-1-1']);
    expect(ids('Intro 1', 'Intro', 'Intro')).toEqual(['intro-1', 'intro', 'intro-2']);
    expect(ids('中文標題', '中文標題', '中文標題-1')).toEqual(['中文標題', '中文標題-1', '中文標題-1-1']);
    const many = ids('A', 'A', 'A 1', 'A 1', 'A-1-1', 'A', 'A 2');
    expect(new Set(many).size).toBe(many.length);
  });
});
