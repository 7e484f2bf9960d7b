import { describe, expect, it, vi } from 'vitest';
import { MemorySource } from '../../../src/content/source.ts';
import { FORMAT_REGISTRY } from '../../../src/formats/registry.ts';
import { buildBook } from '../../../src/pipeline/build.ts';
import { MARK_KEY } from '../../support/mark-key.ts';

/** Which PDF modules were loaded: the registry must load them only when a PDF is written or stamped. */
const loaded = vi.hoisted(() => new Set<string>());
vi.mock('../../../src/pdf/writer.ts', async (original) => {
  loaded.add('pdf writer');
  return original();
});
vi.mock('../../../src/stamp/pdf.ts', async (original) => {
  loaded.add('pdf stamper');
  return original();
});

const book = new MemorySource(
  'lazy-book',
  new Map([
    ['book.yaml', 'title: Lazy\nlanguage: en\nauthors: [Ada]\ndate: 2025-01-31\nchapters:\n  - articles/01.md\n'],
    ['articles/01.md', '---\ntitle: One\n---\n\nText.\n'],
  ]),
);

describe('loading formats on first use', () => {
  it('builds and stamps an EPUB without loading the PDF writer, its fonts or the PDF stamper', async () => {
    const fonts = vi.fn(() => Promise.reject(new Error('an EPUB needs no fonts')));
    const { files } = await buildBook(book, { formats: ['epub'], fonts });
    const stamped = await (await FORMAT_REGISTRY.epub.stamper()).stamp(files[0]!.bytes, {
      email: 'ana@example.com',
      orderId: 'pur_lazy',
      mark: '6f1c3a52-8d0e-4f6b-9a2d-3c4b5e6f7a80',
    }, { markKey: MARK_KEY });
    expect(stamped.byteLength).toBeGreaterThan(0);
    expect(fonts).not.toHaveBeenCalled();
    expect([...loaded]).toEqual([]);
  });

  it('loads the PDF writer when a PDF is asked for', async () => {
    await FORMAT_REGISTRY.pdf.writer();
    expect(loaded.has('pdf writer')).toBe(true);
  });
});
