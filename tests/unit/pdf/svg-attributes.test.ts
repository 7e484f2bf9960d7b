import { describe, expect, it } from 'vitest';
import { spellOutSvgAttributes } from '../../../src/pdf/svg-attributes.ts';

describe('spellOutSvgAttributes', () => {
  it('copies a group’s text-anchor onto the labels inside it, keeping a label’s own', () => {
    const out = spellOutSvgAttributes('<svg><g text-anchor="middle"><text x="1">企劃</text><text text-anchor="end">B</text></g><text>C</text></svg>');
    expect(out).toBe('<svg><g text-anchor="middle"><text x="1" text-anchor="middle">企劃</text><text text-anchor="end">B</text></g><text>C</text></svg>');
  });

  it('rounds both corners of a rect that gives only one radius, as SVG does', () => {
    expect(spellOutSvgAttributes('<svg><rect rx="10"/><rect ry="4"/></svg>')).toBe('<svg><rect rx="10" ry="10"/><rect ry="4" rx="4"/></svg>');
  });

  it('leaves entities as written, so escaped text stays escaped', () => {
    expect(spellOutSvgAttributes('<svg><text>a &lt; b</text></svg>')).toBe('<svg><text>a &lt; b</text></svg>');
  });
});
