import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../../src/document/parse.ts';

const SVG = 'http://www.w3.org/2000/svg';

describe('raw HTML with namespace prefixes or inline SVG and MathML', () => {
  it('drops prefixed elements together with their content, whatever namespace the prefix names', () => {
    const blocks = parseMarkdown(
      [
        `<div>before <s:script xmlns:s="${SVG}">alert(1)</s:script><h:iframe xmlns:h="http://www.w3.org/1999/xhtml">fallback-frame</h:iframe> after</div>`,
        '',
        `<div><s:svg xmlns:s="${SVG}"><s:a xlink:href="javascript:alert(2)">svg-link</s:a></s:svg></div>`,
      ].join('\n'),
    );
    const json = JSON.stringify(blocks);
    expect(json).not.toMatch(/alert|fallback-frame|svg-link|javascript/);
    expect(json).toContain('before');
    expect(json).toContain('after');
  });

  it('drops inline svg and math with their content, and never reads a prefixed href', () => {
    const blocks = parseMarkdown(
      `<div><svg xmlns:x="http://www.w3.org/1999/xlink"><a x:href="javascript:alert(3)">in-svg</a></svg><math><mi>in-math</mi></math>kept <a x:href="javascript:alert(4)">text</a></div>`,
    );
    const json = JSON.stringify(blocks);
    expect(json).not.toMatch(/alert|in-svg|in-math|javascript|"link"/);
    expect(json).toContain('kept');
  });
});
