import { describe, expect, it } from 'vitest';
import { MemorySource } from '../../../src/content/source.ts';
import { buildEpub, unzipText } from './epub-files.ts';

/** An SVG that tries every namespace trick at once, around a drawing that must survive. */
const HOSTILE_SVG = `<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:s="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink" xmlns:h="http://www.w3.org/1999/xhtml" viewBox="0 0 40 20" width="40" height="20">
  <s:script>alert('prefixed')</s:script>
  <s:foreignObject width="10" height="10"><h:iframe src="https://evil.example/frame"/></s:foreignObject>
  <h:script>alert('xhtml')</h:script>
  <g xmlns="http://www.w3.org/1999/xhtml"><script>alert('default')</script></g>
  <a x:href="javascript:alert('xlink')"><text x="1" y="9">click</text></a>
  <rect s:onclick="alert('handler')" x="2" y="2" width="10" height="10" stroke="#333"/>
  <use href="https://evil.example/sprite.svg#icon"/>
  <style>@import url(https://evil.example/x.css); rect { fill: url(javascript:alert(1)) }</style>
  <circle cx="30" cy="10" r="5"/>
</svg>`;

const DANGER = /alert|evil\.example|foreignObject|iframe|xmlns:(s|x|h)=|@import|javascript:/;

describe('an EPUB built from a book with hostile SVG images', async () => {
  const source = new MemorySource(
    'svg-book',
    new Map<string, Uint8Array | string>([
      ['book.yaml', 'title: SVG\nlanguage: en\nauthors: [A]\ndate: 2025-01-01\ncover: images/cover.svg\nchapters:\n  - articles/one.md\n'],
      ['articles/one.md', '---\ntitle: One\n---\n\n![Diagram](../images/diagram.svg)\n\nText after the diagram.\n'],
      ['images/diagram.svg', HOSTILE_SVG],
      ['images/cover.svg', HOSTILE_SVG],
    ]),
  );
  const files = unzipText(await buildEpub(source));
  const svgs = [...files].filter(([path]) => path.endsWith('.svg'));

  it('carries the images, with their drawing', () => {
    expect(svgs.length).toBeGreaterThanOrEqual(1);
    for (const [path, svg] of svgs) {
      expect(svg, path).toContain('<rect x="2" y="2" width="10" height="10" stroke="#333"/>');
      expect(svg, path).toContain('<circle cx="30" cy="10" r="5"/>');
    }
  });

  it('carries no script, foreign HTML, outside reference or stray namespace anywhere', () => {
    for (const [path, text] of files) expect(text, path).not.toMatch(DANGER);
  });
});
