import { runEpubBench } from './epub.ts';
import { runPdfBench } from './pdf.ts';
import { runStampBench } from './stamp.ts';
import { syntheticBook, syntheticSource } from './synthetic.ts';

/**
 * `npm run bench`: the synthetic 100-chapter zh-Hant book to EPUB (against
 * pandoc) and to PDF (against Typst), then per-buyer stamping. Each section
 * measures its builds in a child process of its own.
 */
export async function main(): Promise<number> {
  const book = syntheticBook();
  console.log(`Synthetic zh-Hant book: ${book.chapters.length} chapters (Node ${process.versions.node}, ${process.platform}/${process.arch})`);
  await runEpubBench();
  await runPdfBench(syntheticSource(book));
  await runStampBench();
  return 0;
}
