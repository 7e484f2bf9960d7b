import { describe, expect, it } from 'vitest';
import { spellOutSvgAttributes } from '../../../src/pdf/svg-attributes.ts';

describe('spellOutSvgAttributes', () => {
  it('copies a group’s text-anchor onto the labels inside it, keeping a label’s own', () => {
    const out = spellOutSvgAttributes('<svg><g text-anchor="middle"><text x="1">企劃</text><text text-anchor="end">B</text></g><text>C</text></svg>');
    expect(out).toBe('<svg><g text-anchor="middle"><text x="1" text-anchor="middle">企劃</text><text text-anchor="end">B</text></g><text>C</text></svg>');
  });

  it('rounds both corners of a rect that gives only one radius, as SVG does', () => {
    expect(spellOutSvgAttributes('<svg><rect rx="10" fill="red"/><rect ry="4" fill="red"/></svg>')).toBe('<svg><rect rx="10" fill="red" ry="10"/><rect ry="4" fill="red" rx="4"/></svg>');
  });

  it('leaves entities as written, so escaped text stays escaped', () => {
    expect(spellOutSvgAttributes('<svg><text>a &lt; b</text></svg>')).toBe('<svg><text>a &lt; b</text></svg>');
  });
});

describe('spellOutSvgAttributes: default fill', () => {
  it('fills a shape black when neither it nor an ancestor sets a fill, as SVG does', () => {
    const out = spellOutSvgAttributes('<svg viewBox="0 0 100 100"><rect width="10" height="10"/><path d="M0 0h5v5z"/><circle r="2"/></svg>');
    expect(out).toBe('<svg viewBox="0 0 100 100"><rect width="10" height="10" fill="black"/><path d="M0 0h5v5z" fill="black"/><circle r="2" fill="black"/></svg>');
  });

  it('leaves shapes whose fill is set on them or inherited, none included', () => {
    const svg = '<svg><g fill="none"><path d="M0 0h5"/></g><g style="stroke:red;fill:#eee"><rect/></g><rect fill="red"/><polygon style="fill: none" points="0,0 1,1"/><line x2="5"/></svg>';
    expect(spellOutSvgAttributes(svg)).toBe(svg);
  });

  it('leaves fills alone in a drawing with a style sheet, whose classes may set them', () => {
    const svg = '<svg><style>.box { fill: #eee }</style><rect class="box"/></svg>';
    expect(spellOutSvgAttributes(svg)).toBe(svg);
  });
});
