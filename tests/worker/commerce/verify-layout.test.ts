import { PDFDocument, PDFHexString, PDFName } from '@cantoo/pdf-lib';
import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemorySource } from '../../../src/content/source.ts';
import { editionFileKey } from '../../../src/catalog/editions.ts';
import { cutStampDrawing } from '../../support/strip-stamp.ts';
import { admin, buy, downloadUrl, libraryOf, publishBook, purchaseIdOf, type PublishedBook } from './fixtures.ts';

const SLUG = 'layout-book';
const FORGED = 'pur_ffffffffffffffffffffffffffffffff';
/** Characters the book's lines are drawn from, pseudo-randomly, so that every line's text is its own (only unique lines carry the code). */
const HAN = '生成式影片工具正在改變新聞室的工作方式每一步都要留下紀錄查核來源授權素材剪輯字幕發布流程記者編輯';

/** A one-chapter book of about six pages, 40 paragraphs of distinct text. */
function longBook(): MemorySource {
  let seed = 11;
  const next = () => (seed = (seed * 48271) % 2147483647);
  const paragraph = (n: number) => `第${n}段：${Array.from({ length: 90 }, () => HAN[next() % HAN.length]).join('')}。`;
  return new MemorySource(
    'layout',
    new Map([
      ['book.yaml', 'title: 版面標記\nslug: layout\nlanguage: zh-Hant\nauthors: [知識工坊編輯室]\ndate: 2025-10-15\nprice: { amount: 299, currency: TWD }\nchapters:\n  - articles/01.md\n'],
      ['articles/01.md', `---\ntitle: 第一章 版面\n---\n\n${Array.from({ length: 40 }, (_, n) => paragraph(n + 1)).join('\n\n')}\n`],
    ]),
  );
}

const verify = (body: Uint8Array) => admin('/api/v1/verify', { method: 'POST', headers: { 'content-type': 'application/pdf' }, body });

let published: PublishedBook;
beforeAll(async () => {
  published = await publishBook(SLUG, { source: longBook() });
});

describe('verify reads the PDF layout layer against the edition in R2', () => {
  it('finds the purchase from line positions alone, once metadata, the text layer and the licence line are gone (or metadata names a forged purchase); the unstamped edition reads as no mark', async () => {
    const buyer = await buy(SLUG);
    const library = await libraryOf(buyer);
    const copy = new Uint8Array(await (await SELF.fetch(downloadUrl(library, SLUG, 'pdf'))).arrayBuffer());
    const doc = await PDFDocument.load(copy, { updateMetadata: false });
    doc.context.trailerInfo.Info = doc.context.register(doc.context.obj({}));
    doc.catalog.delete(PDFName.of('Metadata'));
    // A leaker who found the text layer and the licence line cuts them out of every page.
    expect(cutStampDrawing(doc)).toBe(doc.getPageCount());
    const res = await verify(await doc.save());
    expect(res.status).toBe(200);
    const body = (await res.json()) as { purchases: { purchaseId: string; layers: string[]; layoutLines: number; confidence: string }[] };
    expect(body.purchases).toMatchObject([{ purchaseId: await purchaseIdOf(buyer, SLUG), layers: ['layout'], confidence: 'high' }]);
    expect(body.purchases[0].layoutLines).toBeGreaterThanOrEqual(72);

    // Metadata forged to name a purchase that is no order here does not keep the layout layer from being read.
    const forged = await PDFDocument.load(await doc.save(), { updateMetadata: false });
    forged.context.trailerInfo.Info = forged.context.register(
      forged.context.obj({ BinderyOrder: PDFHexString.fromText(FORGED), BinderyLicence: PDFHexString.fromText('urn:uuid:00000000-0000-4000-8000-000000000000') }),
    );
    const named = (await (await verify(await forged.save())).json()) as { purchases: { purchaseId: string; layers: string[] }[]; unknownPurchaseIds: string[] };
    expect(named.purchases).toMatchObject([{ purchaseId: await purchaseIdOf(buyer, SLUG), layers: ['layout'] }]);
    expect(named.unknownPurchaseIds).toEqual([FORGED]);

    const edition = await env.BOOKS.get(editionFileKey(SLUG, published.contentHash, 'pdf', false));
    const unstamped = await verify(new Uint8Array(await edition!.arrayBuffer()));
    expect(unstamped.status).toBe(404);
    expect(((await unstamped.json()) as { detail: string }).detail).toMatch(/^no mark found/);
  });
});
