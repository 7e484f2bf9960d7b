import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBook } from '../src/pipeline/build.ts';
import { bundleForChild, fitsHeapCap, mb, median, runMeasuringChild } from './child.ts';
import { syntheticMarkdown, syntheticSource } from './synthetic.ts';

/**
 * The EPUB section of `npm run bench`: the synthetic 100-chapter zh-Hant book
 * to EPUB, with wall time and peak memory measured in a child process so the
 * figures belong to the build alone, then the same book through pandoc when
 * it is installed.
 */

const RUNS = 3;
const MEASURE_FLAG = '--measure-epub';
const HEAP_CAP_MB = 64;
const SMALL_SEMI_SPACE_MB = 1;

interface Measurement {
  /** Wall time of each build, in milliseconds. */
  times: number[];
  baselineRss: number;
  peakRss: number;
  peakHeap: number;
  bytes: number;
  characters: number;
  chapters: number;
  /** Whether the builds also complete with the JS heap capped at HEAP_CAP_MB. */
  fitsHeapCap?: boolean;
  /** Peak RSS with V8's young generation held to SMALL_SEMI_SPACE_MB, as in a memory-constrained isolate. */
  peakRssSmallYoungGen?: number;
}


/** Runs in the child: builds the book RUNS times, sampling the heap every few milliseconds and at every progress step. */
export async function measureEpub(): Promise<Measurement> {
  const source = syntheticSource();
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const baselineRss = process.memoryUsage().rss;
  let peakHeap = 0;
  const sample = () => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  };
  const timer = setInterval(sample, 2);
  const times: number[] = [];
  let last;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    last = await buildBook(source, { formats: ['epub'], fonts: () => Promise.reject(new Error('EPUB needs no fonts')), onProgress: sample });
    sample();
    times.push(performance.now() - start);
    last = { bytes: last.files[0].size, characters: last.facts.characters, chapters: last.facts.chapters.length };
    gc?.();
  }
  clearInterval(timer);
  // maxRSS is the process's lifetime peak, in kilobytes.
  return { times, baselineRss, peakRss: process.resourceUsage().maxRSS * 1024, peakHeap, ...last! };
}

/** Measures in a child running a bundle of this file (see bundleForChild). */
async function runChild(dir: string): Promise<Measurement> {
  const bundle = join(dir, 'bench.mjs');
  await bundleForChild(
    fileURLToPath(import.meta.url),
    bundle,
    `if (process.argv[2] === '${MEASURE_FLAG}') process.stdout.write(JSON.stringify(await measureEpub()) + '\\n');`,
  );
  const measurement = runMeasuringChild<Measurement>(bundle, [MEASURE_FLAG]);
  // Node lets the young generation grow to 16 MB semi-spaces before collecting; most of the RSS above the heap is that slack.
  const small = runMeasuringChild<Measurement>(bundle, [MEASURE_FLAG], [`--max-semi-space-size=${SMALL_SEMI_SPACE_MB}`]);
  return { ...measurement, fitsHeapCap: fitsHeapCap(bundle, [MEASURE_FLAG], HEAP_CAP_MB), peakRssSmallYoungGen: small.peakRss };
}

export function hasPandoc(): boolean {
  return spawnSync('pandoc', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** pandoc's wall time for the same book as one Markdown file, median of RUNS (process start included, as a user would see it). */
function pandocTimes(dir: string): number[] {
  const md = join(dir, 'book.md');
  writeFileSync(md, syntheticMarkdown());
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const run = spawnSync('pandoc', [md, '-o', join(dir, 'book.epub')], { encoding: 'utf8' });
    times.push(performance.now() - start);
    if (run.status !== 0) throw new Error(`pandoc failed: ${run.stderr}`);
  }
  return times;
}

export async function runEpubBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bindery-bench-'));
  try {
    const epub = await runChild(dir);
    const epubMs = median(epub.times);
    console.log(`EPUB  ${epub.characters.toLocaleString('en')} characters → ${(epub.bytes / 1024).toFixed(0)} KiB`);
    console.log(`      wall time ${epubMs.toFixed(0)} ms (median of ${RUNS}: ${epub.times.map((t) => t.toFixed(0)).join(', ')} ms)`);
    console.log(`      peak RSS ${mb(epub.peakRss)} (process at rest before the build: ${mb(epub.baselineRss)}), peak JS heap ${mb(epub.peakHeap)}`);
    console.log(`      peak RSS with a ${SMALL_SEMI_SPACE_MB} MB young generation (--max-semi-space-size): ${mb(epub.peakRssSmallYoungGen!)}`);
    console.log(`      builds with the JS heap capped at ${HEAP_CAP_MB} MB: ${epub.fitsHeapCap ? 'yes' : 'NO'}`);
    if (hasPandoc()) {
      const pandocMs = median(pandocTimes(dir));
      console.log(`pandoc -o book.epub: ${pandocMs.toFixed(0)} ms (median of ${RUNS})`);
      console.log(`      Bindery / pandoc = ${(epubMs / pandocMs).toFixed(2)}`);
    } else console.log('pandoc not installed (apt-get install pandoc): comparison skipped');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
