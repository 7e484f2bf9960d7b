import { runCliBench } from './cli.ts';
import { runEpubBench } from './epub.ts';
import { runHttpBench } from './http.ts';
import { runLinesBench } from './lines.ts';
import { runPdfBench } from './pdf.ts';
import { runStampBench } from './stamp.ts';
import { syntheticBook, syntheticSource } from './synthetic.ts';

const SECTIONS = ['epub', 'pdf', 'lines', 'stamp', 'cli', 'http'] as const;

/**
 * `npm run bench`: the synthetic 100-chapter zh-Hant book to EPUB (against
 * pandoc) and to PDF (against Typst), then English line breaking (greedy
 * against total fit, on the English sample book), then per-buyer stamping, then the CLI
 * as a user runs it (whole process), then HTTP throughput under wrangler dev
 * (gated download against a plain read, catalog, OPDS, book page). Each
 * section measures its builds in a child process of its own. `npm run bench
 * -- cli` (or `epub`, `pdf`, `lines`, `stamp`, `http`) runs only the sections named.
 */
export async function main(argv: string[] = []): Promise<number> {
  const unknown = argv.filter((a) => !(SECTIONS as readonly string[]).includes(a));
  if (unknown.length) {
    console.error(`bench: unknown section ${unknown.join(', ')} (sections: ${SECTIONS.join(', ')})`);
    return 2;
  }
  const run = (section: (typeof SECTIONS)[number]) => argv.length === 0 || argv.includes(section);
  const book = syntheticBook();
  console.log(`Synthetic zh-Hant book: ${book.chapters.length} chapters (Node ${process.versions.node}, ${process.platform}/${process.arch})`);
  if (run('epub')) await runEpubBench();
  if (run('pdf')) await runPdfBench(syntheticSource(book));
  if (run('lines')) await runLinesBench();
  if (run('stamp')) await runStampBench();
  if (run('cli')) await runCliBench();
  if (run('http')) await runHttpBench();
  return 0;
}
