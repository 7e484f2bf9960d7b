import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { epubOf, licenceAfter, licensedOpf, MB, pdfWithFlateXmp, withDeclaredSize } from '../../unit/stamp/hostile-files.ts';
import { admin, buy, builtFiles, downloadUrl, libraryOf, ORIGIN, publishBook } from './fixtures.ts';

beforeAll(async () => {
  await publishBook('abuse-book');
});

const upload = (body: BodyInit, type = 'application/octet-stream') => admin('/api/v1/verify', { method: 'POST', headers: { 'content-type': type }, body });

async function expectProblem(res: Response, status: number, detail: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(((await res.json()) as { detail: string }).detail).toMatch(detail);
}

describe('verify under abuse', () => {
  it('still maps a stamped EPUB and PDF back to their order', async () => {
    const library = await libraryOf(await buy('abuse-book'));
    for (const format of ['epub', 'pdf'] as const) {
      const bytes = new Uint8Array(await (await SELF.fetch(downloadUrl(library, 'abuse-book', format))).arrayBuffer());
      const res = await upload(bytes);
      expect(res.status, format).toBe(200);
      expect(await res.json()).toMatchObject({ kind: format, purchases: [{ markMatches: true }] });
    }
  });

  it('answers 422 to an EPUB whose package document is a 300 MB zip bomb', async () => {
    await expectProblem(await upload(epubOf({ opf: { head: licensedOpf(), padding: 300 * MB, tail: '</package>' } })), 422, /over the 16 MB limit/);
  });

  it('answers 422 to an EPUB whose package document inflates past its declared size', async () => {
    const epub = withDeclaredSize(epubOf({ opf: { head: licensedOpf(), padding: 300 * MB, tail: '</package>' } }), 'EPUB/package.opf', 4096);
    await expectProblem(await upload(epub), 422, /inflates past the size its zip header declares/);
  });

  it('finds no licence behind an XMP packet that inflates to 64 MB (past the 4 MB cap)', async () => {
    await expectProblem(await upload(await pdfWithFlateXmp(licenceAfter(64 * MB)), 'application/pdf'), 404, /no mark found/);
  });

  it('answers 422 to a truncated PDF, garbage after %PDF, random bytes and a zip that is not an EPUB', async () => {
    const pdf = (await builtFiles()).find((f) => f.format === 'pdf')!.bytes;
    await expectProblem(await upload(pdf.slice(0, pdf.length >> 1)), 422, /truncated/);
    await expectProblem(await upload(`%PDF-1.7\n${'x'.repeat(1000)}\n%%EOF\n`), 422, /not a readable PDF/);
    await expectProblem(await upload(crypto.getRandomValues(new Uint8Array(4096))), 422, /expected an EPUB or a PDF/);
    const form = new FormData();
    form.append('file', new File([epubOf().slice(0, 40)], 'cut.epub'));
    await expectProblem(await admin('/api/v1/verify', { method: 'POST', body: form }), 422, /not a zip archive/);
  });

  it('answers 413 to a body over 64 MB, declared or streamed, raw or multipart', async () => {
    const big = new Uint8Array(64 * MB + 1);
    await expectProblem(await upload(big), 413, /larger than 64 MB/);
    const form = new FormData();
    form.append('file', new File([big], 'big.pdf'));
    await expectProblem(await admin('/api/v1/verify', { method: 'POST', body: form }), 413, /larger than 64 MB/);
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 65; i++) controller.enqueue(new Uint8Array(MB));
        controller.close();
      },
    });
    await expectProblem(await SELF.fetch(`${ORIGIN}/api/v1/verify`, { method: 'POST', headers: { authorization: 'Bearer test-admin-token' }, body: streamed }), 413, /larger than 64 MB/);
  });
});

describe('verify form mistakes', () => {
  it('answers 400 for a form without a file, 422 for a file that is not a book', async () => {
    const empty = new FormData();
    empty.append('other', 'x');
    const missing = await admin('/api/v1/verify', { method: 'POST', body: empty });
    expect(missing.status).toBe(400);
    const garbage = new FormData();
    garbage.append('file', new File([new TextEncoder().encode('%PDF-1.7 not really')], 'x.pdf', { type: 'application/pdf' }));
    const unreadable = await admin('/api/v1/verify', { method: 'POST', body: garbage });
    expect(unreadable.status).toBe(422);
    expect(await unreadable.json()).toMatchObject({ type: 'https://bindery.dev/problems/unreadable-file', field: 'file' });
  });
});
