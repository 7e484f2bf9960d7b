import { buildBook } from '../src/pipeline/build.ts';
import type { Licence } from '../src/licence.ts';
import { loadCliFonts } from '../src/cli/fonts.ts';
import { stampEpub } from '../src/stamp/epub.ts';
import { stampPdf } from '../src/stamp/pdf.ts';
import { syntheticBook, syntheticSource } from './synthetic.ts';
import { median } from './child.ts';

/**
 * Stamping against building: a 48-chapter synthetic zh-Hant book (about
 * 300 A5 pages) is built once as EPUB and PDF, then each file is stamped RUNS times
 * for different buyers. A buyer's first download pays the stamp, so it must
 * stay well under the build time.
 */

const RUNS = 5;
/** Chapters of the synthetic book that give about 300 PDF pages. */
const CHAPTERS = 48;
/** Two decimals: a stamp adds tens of kilobytes. */
const mbPrecise = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MB`;

const licenceFor = (i: number): Licence => ({
  email: `reader${i}@example.com`,
  orderId: `pur_${String(i).padStart(4, '0')}${'0123456789abcdef'.repeat(2).slice(4)}`,
  mark: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
});

export interface StampBenchResult {
  pages: number;
  pdfBuildMs: number;
  pdfStampMs: number;
  pdfBytes: number;
  stampedPdfBytes: number;
  epubBuildMs: number;
  epubStampMs: number;
}

export async function runStampBench(): Promise<StampBenchResult> {
  const source = syntheticSource(syntheticBook(CHAPTERS));
  let started = performance.now();
  const pdfBuild = await buildBook(source, { formats: ['pdf'], fonts: loadCliFonts });
  const pdfBuildMs = performance.now() - started;
  started = performance.now();
  const epubBuild = await buildBook(source, { formats: ['epub'], fonts: loadCliFonts });
  const epubBuildMs = performance.now() - started;
  const pdf = pdfBuild.files[0];
  const epub = epubBuild.files[0];

  const pdfTimes: number[] = [];
  let stampedPdfBytes = 0;
  for (let i = 0; i < RUNS; i++) {
    started = performance.now();
    stampedPdfBytes = (await stampPdf(pdf.bytes, licenceFor(i))).byteLength;
    pdfTimes.push(performance.now() - started);
  }
  const epubTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    started = performance.now();
    stampEpub(epub.bytes, licenceFor(i));
    epubTimes.push(performance.now() - started);
  }
  const result: StampBenchResult = {
    pages: pdf.pages ?? 0,
    pdfBuildMs,
    pdfStampMs: median(pdfTimes),
    pdfBytes: pdf.size,
    stampedPdfBytes,
    epubBuildMs,
    epubStampMs: median(epubTimes),
  };
  console.log(`\nStamping per buyer (median of ${RUNS}; build once for comparison)`);
  console.log(`  PDF  ${result.pages} pages: build ${result.pdfBuildMs.toFixed(0)} ms, stamp ${result.pdfStampMs.toFixed(0)} ms (${((result.pdfStampMs / result.pdfBuildMs) * 100).toFixed(1)}% of build); ${mbPrecise(result.pdfBytes)} → ${mbPrecise(result.stampedPdfBytes)}`);
  console.log(`  EPUB: build ${result.epubBuildMs.toFixed(0)} ms, stamp ${result.epubStampMs.toFixed(0)} ms (${((result.epubStampMs / result.epubBuildMs) * 100).toFixed(1)}% of build)`);
  return result;
}
