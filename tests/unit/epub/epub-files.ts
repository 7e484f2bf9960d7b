import { strFromU8, unzipSync } from 'fflate';
import { buildBook, prepareBook, renderDocument } from '../../../src/pipeline/build.ts';
import { sampleDocument } from '../../../src/pipeline/sample.ts';
import { DirectorySource } from '../../../src/cli/directory-source.ts';
import type { BookSource } from '../../../src/content/source.ts';

export const BOOKS = {
  aiVideo: 'books/ai-video-handbook',
  newsroom: 'books/remote-newsroom-playbook',
  edgeCases: 'tests/fixtures/books/edge-cases',
} as const;

const noFonts = async () => {
  throw new Error('an EPUB build must not load fonts');
};

export async function buildEpub(source: BookSource | string): Promise<Uint8Array> {
  const result = await buildBook(typeof source === 'string' ? new DirectorySource(source) : source, { formats: ['epub'], fonts: noFonts });
  return result.files[0].bytes;
}

/** The free-sample EPUB the store offers, built from the same document. */
export async function buildSampleEpub(dir: string): Promise<Uint8Array> {
  const { document, contentHash } = await prepareBook(new DirectorySource(dir), { formats: ['epub'] });
  const result = await renderDocument(sampleDocument(document), contentHash, { formats: ['epub'], fonts: noFonts });
  return result.files[0].bytes;
}

/** The entries of a zip as text, keyed by path, in archive order. */
export function unzipText(bytes: Uint8Array): Map<string, string> {
  return new Map(Object.entries(unzipSync(bytes)).map(([path, data]) => [path, strFromU8(data)]));
}

/** The text a reader sees in an XHTML file: tags dropped, the four escaped characters restored. */
export function visibleText(xhtml: string): string {
  return xhtml
    .replace(/<head>[\s\S]*?<\/head>/, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}
