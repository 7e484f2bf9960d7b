import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { PDFDict, PDFDocument, PDFName } from '@cantoo/pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../../../workers/index.ts';
import { FALLBACK_FONT_FILES, FONT_FILES } from '../../../src/pdf/font-keys.ts';
import { api, article, json, putArticle, putBook } from './api.ts';

/**
 * Issue 11: the queue consumer reads a PDF fallback face from R2 only for a
 * book that needs it. The emoji face is in the bucket and the Hong Kong face
 * is not, so a build that asked for the latter would fail.
 */
beforeAll(async () => {
  for (const font of [...FONT_FILES, ...FALLBACK_FONT_FILES.filter((f) => f.role === 'emoji')]) {
    await env.BOOKS.put(font.r2Key, await (await env.TEST_FONTS.fetch(`https://fonts/${font.r2Key}`)).arrayBuffer());
  }
});

async function buildPdf(slug: string, body: string): Promise<{ error: unknown; fonts: string[] }> {
  await putArticle(`${slug}/01`, article('Emoji', { date: '2025-01-01' }, body));
  await putBook(slug, [`${slug}/01`], { language: 'zh-Hant' });
  const queued = await json(await api('POST', `/books/${slug}/builds`), 202);
  const batch = createMessageBatch('bindery-builds', [{ id: `msg-${slug}`, timestamp: new Date(), attempts: 1, body: { buildId: queued.id } }]);
  await worker.queue(batch, env);
  await getQueueResult(batch, createExecutionContext());
  const build = await json(await api('GET', `/builds/${queued.id}`), 200);
  if (build.status !== 'ready') return { error: build.error, fonts: [] };
  const pdf = await PDFDocument.load(new Uint8Array(await (await api('GET', `/builds/${queued.id}/files/pdf`)).arrayBuffer()));
  const fonts = pdf.context
    .enumerateIndirectObjects()
    .map(([, object]) => object)
    .filter((object): object is PDFDict => object instanceof PDFDict && object.get(PDFName.of('Type')) === PDFName.of('Font') && object.has(PDFName.of('FontDescriptor')))
    .map((font) => font.get(PDFName.of('BaseFont'))!.toString());
  return { error: null, fonts };
}

describe('PDF fallback faces in the Worker', () => {
  it('reads Noto Emoji from R2 for a book with emoji and embeds it as a subset, without reading the Hong Kong face', async () => {
    const { error, fonts } = await buildPdf('emoji-book', '今天天氣很好 😀，👩‍💻 在寫程式。\n');
    expect(error).toBeNull();
    expect(fonts).toContain('/BNDEMJ+NotoEmoji-Regular');
    expect(fonts.some((name) => name.includes('NotoSansHK'))).toBe(false);
  });
});
