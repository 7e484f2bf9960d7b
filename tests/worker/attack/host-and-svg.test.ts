import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { sanitizeSvg } from '../../../src/document/svg.ts';
import { publishBook } from '../commerce/fixtures.ts';

beforeAll(async () => {
  await publishBook('atk-host');
  await publishBook('atk-host-two');
});

describe('Host header games with PUBLIC_ORIGIN set', () => {
  it('builds no absolute URL in the checkout, its cookie or its redirect from the request host', async () => {
    const res = await SELF.fetch('https://evil.example/api/v1/checkout', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-host': 'evil2.example' },
      body: 'slug=atk-host&email=host%40example.com',
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    const all = `${[...res.headers].join('\n')}\n${await res.text()}`;
    expect(all).not.toMatch(/evil/);
  });

  it('builds the public book page, API and OPDS links from PUBLIC_ORIGIN, not from the Host a client sends (they are cached publicly)', async () => {
    const leaks: string[] = [];
    for (const path of ['/opds', '/opds/v2/catalog', '/api/v1/books', '/opensearch.xml']) {
      const res = await SELF.fetch(`https://evil.example${path}`);
      const text = await res.text();
      if (/evil\.example/.test(text)) leaks.push(`${path} (${res.status}, cache-control: ${res.headers.get('cache-control')})`);
    }
    expect(leaks).toEqual([]);
  });
});

describe('Host header games on paged answers', () => {
  it('gives the next page of the API, and every page link of the OPDS feeds, at PUBLIC_ORIGIN (the request URL was copied, Host and all)', async () => {
    const first = await SELF.fetch('https://evil.example/api/v1/books?limit=1');
    const body = await first.json<{ next: string | null; nextUrl: string | null }>();
    expect(body.next).not.toBeNull();
    expect(body.nextUrl).toMatch(/^https:\/\/bindery\.test\/api\/v1\/books\?limit=1&cursor=/);
    expect(first.headers.get('link')).toBe(`<${body.nextUrl}>; rel="next"`);
    const leaks: string[] = [];
    for (const path of ['/opds/publications', '/opds/v1.2/catalog.xml', `/api/v1/books?limit=1&cursor=${encodeURIComponent(body.next!)}`]) {
      const res = await SELF.fetch(`https://evil.example${path}`);
      const text = `${[...res.headers].join('\n')}\n${await res.text()}`;
      if (res.status !== 200 || /evil\.example/.test(text)) leaks.push(`${path} (${res.status})`);
    }
    expect(leaks).toEqual([]);
  });
});

describe('SVG sanitizer: a few more payloads', () => {
  const clean = (svg: string) => new TextDecoder().decode(sanitizeSvg(new TextEncoder().encode(svg)));
  const payloads = [
    '<svg xmlns="http://www.w3.org/2000/svg"><a href="&#106;avascript:alert(1)"><text>x</text></a></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:l="http://www.w3.org/1999/xlink"><a l:href=" java\tscript:alert(1)"><text>x</text></a></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><style>@im/**/port url(//evil/x.css);</style></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><style>*{background:u&#x72;l(//evil/x)}</style></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><style><![CDATA[*{background:url(//evil)}]]></style></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(&quot;//evil&quot;)"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(\'#a\'), url(//evil)"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="href" to="javascript:alert(1)"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><use href="//evil/x.svg#a"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><use xml:base="https://evil/" href="#a"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><feImage href="https://evil/x.png"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><a href="#x" HREF="javascript:alert(1)"><text>x</text></a></svg>',
  ];
  it('keeps a quote inside a data: URL escaped (the value stays one attribute)', () => {
    const out = clean('<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/png;base64,AAAA&quot; onload=&quot;alert(1)"/></svg>');
    expect(out).not.toMatch(/" onload=/);
  });
  for (const p of payloads) {
    it(`drops everything that loads or runs: ${p.slice(40, 110)}`, () => {
      const out = clean(p);
      expect(out).not.toMatch(/javascript|evil|svg\+xml;base64|onload|<set/i);
    });
  }
});
