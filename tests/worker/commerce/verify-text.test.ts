import { SELF } from 'cloudflare:test';
import { PDFDocument, PDFName } from '@cantoo/pdf-lib';
import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { keyedMarkCode, UNKEYED_MARK_CODE } from '../../../src/stamp/text-mark.ts';
import { admin, buy, downloadUrl, libraryOf, ORIGIN, publishBook, purchaseIdOf } from './fixtures.ts';

const SLUG = 'leak-book';
interface Found {
  purchaseId: string;
  email: string;
  layers: string[];
  unkeyedLayers: string[];
  markMatches: boolean;
  confidence: string;
  editions: { buildId: string; format: string }[];
}

beforeAll(async () => {
  await publishBook(SLUG);
});

async function copyOf(format: 'epub' | 'pdf') {
  const buyer = await buy(SLUG);
  const library = await libraryOf(buyer);
  const bytes = new Uint8Array(await (await SELF.fetch(downloadUrl(library, SLUG, format))).arrayBuffer());
  return { purchaseId: await purchaseIdOf(buyer, SLUG), email: buyer.email, bytes };
}

/** What a reader copies out of the first chapter: its running text, tags gone. */
function chapterText(epub: Uint8Array): string {
  const [, chapter] = Object.entries(unzipSync(epub)).find(([name]) => /ch(apter-)?0*1\b|01\.xhtml$/.test(name) && name.endsWith('.xhtml'))!;
  return strFromU8(chapter).split('<body')[1].replace(/<[^>]+>/g, '');
}

const paste = (text: string) => admin('/api/v1/verify', { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: text });

describe('verify on what a leaker keeps', () => {
  it('finds the purchase behind a pasted excerpt of a chapter, from its invisible text layer', async () => {
    const copy = await copyOf('epub');
    const res = await paste(chapterText(copy.bytes));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { kind: string; purchases: Found[] };
    expect(body.kind).toBe('text');
    expect(body.purchases).toMatchObject([{ purchaseId: copy.purchaseId, email: copy.email, layers: ['text'], markMatches: false, confidence: 'high' }]);
    expect(body.purchases[0].editions).toMatchObject([{ format: 'epub' }]);
  });

  it('reports both purchases of a collage pasted from two buyers’ copies', async () => {
    const [one, two] = [await copyOf('epub'), await copyOf('epub')];
    const res = await paste(`${chapterText(one.bytes)}\n…\n${chapterText(two.bytes)}`);
    const ids = ((await res.json()) as { purchases: Found[] }).purchases.map((p) => p.purchaseId);
    expect(ids.sort()).toEqual([one.purchaseId, two.purchaseId].sort());
  });

  it('finds the purchase in a PDF whose Info and XMP were removed, from its text and printed line', async () => {
    const copy = await copyOf('pdf');
    const doc = await PDFDocument.load(copy.bytes, { updateMetadata: false });
    doc.context.trailerInfo.Info = doc.context.register(doc.context.obj({}));
    doc.catalog.delete(PDFName.of('Metadata'));
    const res = await admin('/api/v1/verify', { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: await doc.save() });
    expect(await res.json()).toMatchObject({ kind: 'pdf', purchases: [{ purchaseId: copy.purchaseId, layers: ['text', 'visible'], markMatches: false, confidence: 'high' }] });
  });

  it('does not take a text layer written by someone who saw a buyer’s printed purchase id as proof against that buyer', async () => {
    const victim = await copyOf('epub');
    const sentences = '生成式影片工具正在改變新聞室的工作方式。 '.repeat(3);
    // The older code is a CRC anyone can compute: read, but only as medium, and said to be unkeyed.
    const crc = UNKEYED_MARK_CODE.textMark(victim.purchaseId);
    const older = (await (await paste(`${sentences}${crc}${sentences}${crc}`)).json()) as { purchases: Found[] };
    expect(older.purchases).toMatchObject([{ purchaseId: victim.purchaseId, layers: ['text'], unkeyedLayers: ['text'], confidence: 'medium' }]);
    // A keyed mark under any key but the store's reads as nothing at all.
    const guessed = keyedMarkCode(crypto.getRandomValues(new Uint8Array(16))).textMark(victim.purchaseId);
    const forged = await paste(`${sentences}${guessed}${sentences}${guessed}`);
    expect(forged.status).toBe(404);
    // The buyer's own copy carries the keyed code: high.
    const own = (await (await paste(chapterText(victim.bytes))).json()) as { purchases: Found[] };
    expect(own.purchases).toMatchObject([{ purchaseId: victim.purchaseId, unkeyedLayers: [], confidence: 'high' }]);
  });

  it('answers 404 "no mark found" for unmarked text, and 413 for text over 1 MB', async () => {
    const unmarked = await paste('生成式影片工具正在改變新聞室的工作方式。Nothing here was sold by this store.');
    expect(unmarked.status).toBe(404);
    expect(((await unmarked.json()) as { detail: string }).detail).toMatch(/^no mark found/);
    const big = await paste('a'.repeat(1024 * 1024 + 1));
    expect(big.status).toBe(413);
  });

  it('describes pasted text and the layers found in the OpenAPI document', async () => {
    const doc = (await (await SELF.fetch(`${ORIGIN}/api/openapi.json`)).json()) as {
      paths: Record<string, { post: { requestBody: { content: Record<string, unknown> } } }>;
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    expect(Object.keys(doc.paths['/api/v1/verify'].post.requestBody.content)).toContain('text/plain');
    expect(Object.keys(doc.components.schemas.FoundPurchase.properties)).toEqual(
      expect.arrayContaining(['purchaseId', 'email', 'layers', 'unkeyedLayers', 'confidence', 'editions']),
    );
  });
});
