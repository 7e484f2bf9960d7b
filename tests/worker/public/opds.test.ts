import { SELF } from 'cloudflare:test';
import Ajv, { type AnySchemaObject } from 'ajv';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import acquisitionObject from '../../fixtures/opds/opds/acquisition-object.schema.json';
import feed from '../../fixtures/opds/opds/feed.schema.json';
import feedMetadata from '../../fixtures/opds/opds/feed-metadata.schema.json';
import opdsLink from '../../fixtures/opds/opds/link.schema.json';
import opdsProperties from '../../fixtures/opds/opds/properties.schema.json';
import publication from '../../fixtures/opds/opds/publication.schema.json';
import a11y from '../../fixtures/opds/readium/a11y.schema.json';
import contributorObject from '../../fixtures/opds/readium/contributor-object.schema.json';
import contributor from '../../fixtures/opds/readium/contributor.schema.json';
import epubMetadata from '../../fixtures/opds/readium/extensions/epub/metadata.schema.json';
import epubProperties from '../../fixtures/opds/readium/extensions/epub/properties.schema.json';
import presentationMetadata from '../../fixtures/opds/readium/extensions/presentation/metadata.schema.json';
import languageMap from '../../fixtures/opds/readium/language-map.schema.json';
import readiumLink from '../../fixtures/opds/readium/link.schema.json';
import metadata from '../../fixtures/opds/readium/metadata.schema.json';
import readiumProperties from '../../fixtures/opds/readium/properties.schema.json';
import subjectObject from '../../fixtures/opds/readium/subject-object.schema.json';
import subject from '../../fixtures/opds/readium/subject.schema.json';
import { seedCatalog } from './fixtures.ts';

const BASE = 'https://bindery.test';
const get = (path: string) => SELF.fetch(`${BASE}${path}`);

/** The published OPDS 2.0 schemas; Readium ones under both http and https ids, as upstream refers to both. */
function opdsValidator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const schema of [feed, publication, opdsLink, feedMetadata, opdsProperties, acquisitionObject]) ajv.addSchema(schema as AnySchemaObject);
  const readium = [metadata, contributor, contributorObject, subject, subjectObject, languageMap, a11y, readiumLink, readiumProperties, epubMetadata, epubProperties, presentationMetadata];
  for (const schema of readium) {
    const id = (schema as { $id: string }).$id;
    for (const scheme of ['http:', 'https:']) ajv.addSchema({ ...(schema as AnySchemaObject), $id: id.replace(/^https?:/, scheme) });
  }
  return { feed: ajv.getSchema(feed.$id)!, publication: ajv.getSchema(publication.$id)!, ajv };
}

interface Link {
  rel?: string | string[];
  href: string;
  type: string;
  title?: string;
  properties?: { price?: { value: number; currency: string } };
}
interface Publication {
  metadata: { title: string; language: string; identifier: string };
  links: Link[];
  images: Link[];
}
interface Feed {
  metadata: { title: string };
  links: Link[];
  navigation?: Link[];
  publications?: Publication[];
}

beforeAll(async () => {
  await seedCatalog();
});

describe('OPDS 2.0', () => {
  const validator = opdsValidator();

  it('uses schemas that reject a publication without a raster cover or an acquisition link', () => {
    const bare = { metadata: { title: 'x' }, links: [{ rel: 'self', href: 'https://x.test/p', type: 'application/opds-publication+json' }] };
    expect(validator.publication({ ...bare, images: [{ href: 'https://x.test/c.svg', type: 'image/svg+xml' }] })).toBe(false);
    expect(validator.publication({ ...bare, images: [{ href: 'https://x.test/c.png', type: 'image/png' }] })).toBe(false);
  });

  it('serves a navigation feed that validates against the OPDS 2.0 feed schema', async () => {
    const res = await get('/opds');
    expect(res.headers.get('content-type')).toContain('application/opds+json');
    const body = (await res.json()) as Feed;
    expect(validator.feed(body), validator.ajv.errorsText(validator.feed.errors)).toBe(true);
    const rels = body.links.map((l) => l.rel);
    expect(rels).toEqual(expect.arrayContaining(['self', 'start', 'search']));
    expect(body.navigation!.map((n) => n.title)).toContain('journalism');
    for (const link of [...body.links, ...body.navigation!]) expect(link.href).toMatch(/^https:\/\/bindery\.test\//);
  });

  it('serves a publications feed that validates, with buy links priced to the storefront and open-access samples', async () => {
    const body = (await (await get('/opds/publications')).json()) as Feed;
    expect(validator.feed(body), validator.ajv.errorsText(validator.feed.errors)).toBe(true);
    const book = body.publications!.find((p) => p.metadata.title === 'The Remote Newsroom Playbook')!;
    expect(validator.publication(book), validator.ajv.errorsText(validator.publication.errors)).toBe(true);
    const buy = book.links.find((l) => l.rel === 'http://opds-spec.org/acquisition/buy')!;
    expect(buy).toMatchObject({ href: `${BASE}/books/remote-newsroom`, type: 'text/html', properties: { price: { value: 12, currency: 'USD' } } });
    const sample = book.links.find((l) => l.rel === 'http://opds-spec.org/acquisition/open-access')!;
    expect(sample).toMatchObject({ href: `${BASE}/api/v1/books/remote-newsroom/sample.epub`, type: 'application/epub+zip' });
    expect((await get(new URL(sample.href).pathname)).status).toBe(200);
    expect(book.images[0]).toMatchObject({ type: 'image/png' });
    expect((await get(new URL(book.images[0].href).pathname)).headers.get('content-type')).toBe('image/png');
  });

  it('pages with next links and searches through the templated search link', async () => {
    const root = (await (await get('/opds')).json()) as Feed;
    const search = root.links.find((l) => l.rel === 'search')!;
    expect(search.href).toBe(`${BASE}/opds/publications{?query}`);
    const found = (await (await get(`/opds/publications?query=${encodeURIComponent('影片')}`)).json()) as Feed;
    expect(validator.feed(found)).toBe(true);
    expect(found.publications!.map((p) => p.metadata.title)).toEqual(['生成式影片工具實戰手冊']);

    const all = (await (await get('/opds/publications')).json()) as Feed;
    expect(all.links.find((l) => l.rel === 'next')).toBeUndefined();
  });

  it('serves one publication document per book', async () => {
    const res = await get('/opds/books/ai-video');
    expect(res.headers.get('content-type')).toContain('application/opds-publication+json');
    const body = (await res.json()) as Publication;
    expect(validator.publication(body), validator.ajv.errorsText(validator.publication.errors)).toBe(true);
    expect(body.metadata.language).toBe('zh-Hant');
    expect(body.images).toEqual([{ href: `${BASE}/api/v1/books/ai-video/cover`, type: 'image/png' }]);
  });
});

describe('OPDS 1.2', () => {
  it('serves a well-formed Atom acquisition feed with typed, absolute links', async () => {
    const res = await get('/opds/v1.2/catalog.xml');
    expect(res.headers.get('content-type')).toContain('application/atom+xml;profile=opds-catalog;kind=acquisition');
    const xml = await res.text();
    const doc = parseXml(xml);
    expect(doc.root).toBe('feed');
    expect(xml).toContain('xmlns="http://www.w3.org/2005/Atom"');
    for (const required of ['<id>', '<title>', '<updated>']) expect(xml).toContain(required);
    expect(doc.links.length).toBeGreaterThan(0);
    for (const link of doc.links) {
      expect(link.type, link.href).toBeTruthy();
      expect(link.href).toMatch(/^https:\/\/bindery\.test\//);
    }
    const entries = xml.split('<entry>').slice(1);
    expect(entries.length).toBeGreaterThanOrEqual(3);
    for (const entry of entries) {
      for (const required of ['<id>', '<title>', '<updated>', 'rel="http://opds-spec.org/image"', 'rel="http://opds-spec.org/acquisition/buy"']) {
        expect(entry).toContain(required);
      }
    }
    expect(xml).toContain('<opds:price currencycode="TWD">299</opds:price>');
    expect(xml).toContain('生成式影片工具實戰手冊');
  });

  it('describes its search with an OpenSearch document whose template finds books by Chinese words', async () => {
    const feed = parseXml(await (await get('/opds/v1.2/catalog.xml')).text());
    const description = feed.links.find((l) => l.rel === 'search' && l.type === 'application/opensearchdescription+xml');
    expect(description?.href).toBe(`${BASE}/opds/v1.2/opensearch.xml`);
    const res = await get('/opds/v1.2/opensearch.xml');
    expect(res.headers.get('content-type')).toContain('application/opensearchdescription+xml');
    const xml = await res.text();
    expect(parseXml(xml).root).toBe('OpenSearchDescription');
    const template = /<Url[^>]*type="application\/atom\+xml;profile=opds-catalog;kind=acquisition"[^>]*template="([^"]+)"/.exec(xml)?.[1];
    expect(template).toBe(`${BASE}/opds/v1.2/catalog.xml?query={searchTerms}`);
    const results = await (await get(`/opds/v1.2/catalog.xml?query=${encodeURIComponent('影片')}`)).text();
    expect(results).toContain('生成式影片工具實戰手冊');
  });
});

/**
 * A strict little XML well-formedness check (elements nest and close, attributes
 * are quoted, entities are known) that also collects <link> attributes:
 * workerd has no DOMParser.
 */
function parseXml(xml: string): { root: string; links: Record<string, string>[] } {
  const stack: string[] = [];
  const links: Record<string, string>[] = [];
  let root = '';
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const token = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = token.exec(body))) {
    consumed = token.lastIndex;
    const [, closing, name, attrText, selfClosing, text] = match;
    if (text !== undefined) {
      expect(text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, ''), 'stray & in text').not.toContain('&');
      continue;
    }
    if (closing) {
      expect(stack.pop(), `closing </${name}>`).toBe(name);
      continue;
    }
    if (!root) root = name;
    const attrs = Object.fromEntries([...attrText.matchAll(/([\w:.-]+)="([^"]*)"/g)].map((m) => [m[1], m[2].replace(/&amp;/g, '&')]));
    if (name === 'link') links.push(attrs);
    if (!selfClosing) stack.push(name);
  }
  expect(consumed, 'unparsed XML').toBe(body.length);
  expect(stack).toEqual([]);
  return { root, links };
}
