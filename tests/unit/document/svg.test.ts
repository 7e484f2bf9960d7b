import { describe, expect, it } from 'vitest';
import { sanitizeSvg } from '../../../src/document/svg.ts';

const clean = (svg: string) => new TextDecoder().decode(sanitizeSvg(new TextEncoder().encode(svg)));

describe('SVG images in a book', () => {
  it('lose scripts, event handlers, foreign HTML, animation and outside references', () => {
    const out = clean(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10" onload="steal()">
      <script>alert(1)</script>
      <foreignObject><iframe src="https://evil.example"/></foreignObject>
      <a xlink:href="javascript:alert(1)"><text>鏈結</text></a>
      <a href="#top"><rect width="1" height="1" onclick="x()" fill="url(https://evil.example/x)"/></a>
      <set attributeName="href" to="javascript:alert(1)"/>
      <image href="https://tracker.example/p.png"/>
      <!-- note -->
    </svg>`);
    expect(out).not.toMatch(/script|onload|onclick|foreignObject|iframe|evil|tracker|<set|note/i);
    expect(out).toContain('鏈結');
    expect(out).toContain('href="#top"');
  });

  it('keep their drawing and Chinese labels as real characters', () => {
    const out = clean('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect x="1" width="5" height="5" fill="#c33"/><text x="1" y="9">流程 &amp; 步驟</text></svg>');
    expect(out).toContain('<rect x="1" width="5" height="5" fill="#c33"/>');
    expect(out).toContain('流程 &amp; 步驟');
  });
});
