import { describe, expect, it } from 'vitest';
import { coverDesign } from '../../../src/cover/design.ts';
import { languageOf } from '../../../src/language/index.ts';

/** The title's lines on the generated cover (the lines set at the title's size). */
function titleLines(title: string, language = 'zh-Hant'): string[] {
  const design = coverDesign({ title, authors: ['編輯室'], language }, languageOf(language));
  const size = design.lines[0].size;
  return design.lines.filter((l) => l.size === size).map((l) => l.text);
}

describe('The generated cover balances its title lines', () => {
  it('never leaves a single character on a title line', () => {
    // Ten ideographs: the measure holds nine, so a greedy break leaves 「選」 alone.
    const lines = titleLines('新聞室工作流程精選集');
    expect(lines).toHaveLength(2);
    expect(lines.join('')).toBe('新聞室工作流程精選集');
    for (const line of lines) expect([...line].length).toBeGreaterThanOrEqual(4);
  });

  it('sets lines of nearly equal length, in as few lines as a greedy break', () => {
    const lines = titleLines('生成式影片工具與新聞室的工作流程實戰手冊精選');
    expect(lines).toHaveLength(3);
    const lengths = lines.map((l) => [...l].length);
    expect(Math.max(...lengths) - Math.min(...lengths)).toBeLessThanOrEqual(2);
  });

  it('keeps English words whole and leaves no short word alone on the last line', () => {
    // Greedy: "Remote Newsroom" / "Notes".
    const lines = titleLines('Remote Newsroom Notes', 'en');
    expect(lines).toEqual(['Remote', 'Newsroom Notes']);
  });

  it('leaves a title that fits on one line alone', () => {
    expect(titleLines('實戰手冊')).toEqual(['實戰手冊']);
  });
});
