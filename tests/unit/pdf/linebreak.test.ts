import { describe, expect, it } from 'vitest';
import { isProhibitedLineStart } from '../../../src/language/index.ts';
import { breakLines, breakOpportunities, justify, lineWidth, type Measured } from '../../../src/pdf/linebreak.ts';
import { columnWidths } from '../../../src/pdf/table.ts';

/** Every character one unit wide (full-width text on a 1-unit grid), spaces half a unit. */
function measure(text: string): Measured[] {
  return [...text].map((c) => ({ codePoint: c.codePointAt(0)!, width: c === ' ' ? 0.5 : 1, gapBefore: 0 }));
}

function lines(text: string, width: number): string[] {
  const chars = measure(text);
  const cps = chars.map((c) => c.codePoint);
  return breakLines(chars, breakOpportunities(cps), width).map((l) => String.fromCodePoint(...cps.slice(l.start, l.end)));
}

describe('kinsoku line breaking', () => {
  it('never starts a line with a closing mark: the character before it moves down instead', () => {
    // At width 5 the full stop would start line 2; it is pushed out together with 丁.
    expect(lines('甲乙丙丁戊。己庚辛', 5)).toEqual(['甲乙丙丁', '戊。己庚辛']);
  });

  it('never ends a line with an opening bracket', () => {
    expect(lines('甲乙丙丁「戊己」庚', 5)).toEqual(['甲乙丙丁', '「戊己」庚']);
  });

  it('keeps runs of closing punctuation together with the character before them', () => {
    const out = lines('他說：「好。」』）接著走了', 6);
    for (const line of out.slice(1)) expect(isProhibitedLineStart(line.codePointAt(0)!)).toBe(false);
    expect(out.join('')).toBe('他說：「好。」』）接著走了');
  });

  it('keeps ellipses and em dashes unbroken', () => {
    const out = lines('甲乙丙丁……戊己——庚辛', 5);
    expect(out.some((l) => l.startsWith('…') || l.startsWith('—'))).toBe(false);
    expect(out.join('')).toBe('甲乙丙丁……戊己——庚辛');
  });

  it('breaks English at spaces, not inside words', () => {
    expect(lines('one two three four', 8)).toEqual(['one two', 'three', 'four']);
  });

  it('cuts a URL longer than the line at the margin instead of overflowing', () => {
    const url = 'https://example.com/' + 'a'.repeat(40);
    const out = lines(url, 12);
    expect(out.join('')).toBe(url);
    for (const line of out) expect(line.length).toBeLessThanOrEqual(12);
  });

  it('ends a line at a hard break and keeps it ragged', () => {
    const chars = measure('甲乙\n丙丁');
    const result = breakLines(chars, breakOpportunities(chars.map((c) => c.codePoint)), 10);
    expect(result.map((l) => [l.start, l.end, l.last])).toEqual([
      [0, 2, true],
      [3, 5, true],
    ]);
  });
});

describe('justification', () => {
  it('spreads the slack evenly over the gaps between CJK characters to fill the line exactly', () => {
    const chars = measure('甲乙丙丁戊己庚辛');
    const [first] = breakLines(chars, breakOpportunities(chars.map((c) => c.codePoint)), 5.5);
    const extra = justify(chars, first, 5.5)!;
    expect(extra).not.toBeNull();
    const total = lineWidth(chars, first.start, first.end) + extra.reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(5.5, 6);
    expect(new Set([...extra.slice(1)].map((x) => x.toFixed(6))).size).toBe(1);
    expect(extra[0]).toBe(0);
  });

  it('leaves the last line of a paragraph ragged', () => {
    const chars = measure('甲乙丙丁戊己庚');
    const result = breakLines(chars, breakOpportunities(chars.map((c) => c.codePoint)), 5.5);
    expect(justify(chars, result[result.length - 1], 5.5)).toBeNull();
  });
});

describe('table column widths', () => {
  it('never exceeds the available width, however wide the content', () => {
    const widths = columnWidths([20, 300, 40, 500], [30, 2000, 60, 900], 350);
    expect(widths.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(350 + 1e-6);
  });

  it('gives narrow columns their natural width when others need squeezing', () => {
    const widths = columnWidths([20, 100, 100], [25, 800, 700], 300);
    expect(widths[0]).toBe(25);
    expect(widths.reduce((a, b) => a + b, 0)).toBeCloseTo(300, 6);
  });
});
