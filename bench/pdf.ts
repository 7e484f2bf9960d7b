import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildBook, prepareBook } from '../src/pipeline/build.ts';
import type { FaceRole, FallbackRole, FontSet } from '../src/formats/writer.ts';
import type { BookSource } from '../src/content/source.ts';
import type { Block, BookDocument, Inline } from '../src/document/model.ts';
import { cliFallbackFontPaths, cliFontPaths, fontObjects, readFallbackFont } from '../src/cli/fonts.ts';
import { bundleForChild, fitsHeapCap, mb, median, runMeasuringChild } from './child.ts';

/**
 * The PDF section of `npm run bench`: the synthetic 100-chapter zh-Hant book
 * to PDF, measured in a child process (a bundle, as wrangler would ship it, so
 * tsx's own memory is not counted), each build followed by the same text
 * through Typst with the same fonts, in the same process.
 */

/** Builds of each kind; the first of each is a cold one (V8 compiling Bindery, Typst loading its fonts), so the median is of warm ones. */
const RUNS = 5;
const MEASURE_FLAG = '--measure-pdf';
const HEAP_CAP_MB = 64;
const HEAP_TARGET_MB = 48;

interface PdfMeasurement {
  times: number[];
  peakHeap: number;
  peakRss: number;
  bytes: number;
  pages: number;
  /** Typst's times for the same book, each run right after one of ours; null when Typst is not installed. */
  typst: { times: number[]; pages: number; bytes: number } | null;
}

/** What the child needs to run Typst: its package's entry, resolved by the parent (the bundle runs outside node_modules), and the book as Typst markup. */
interface TypstJob {
  module: string;
  sourceFile: string;
}

/** The child reads fonts by the paths its parent resolved: the bundle runs from a temporary directory, outside node_modules. */
async function readFonts(paths: Record<FaceRole, string>, fallbacks: Record<FallbackRole, string>): Promise<FontSet> {
  const { readFile } = await import('node:fs/promises');
  return { regular: await readFile(paths.regular), bold: await readFile(paths.bold), mono: await readFile(paths.mono), fallback: (role, block) => readFallbackFont(fallbacks[role], block) };
}

/**
 * Runs in the child: builds the synthetic book RUNS times, sampling the heap
 * during each build, and writes the last PDF to `output`. With `typstJob`,
 * Typst sets the same book after each build, so that both are timed in the
 * same minutes of the machine's load: on a shared machine, runs minutes
 * apart differ by more than the ratio being measured.
 */
export async function measurePdf(fontPaths: Record<FaceRole, string>, fallbackPaths: Record<FallbackRole, string>, output: string, typstJob: TypstJob | null): Promise<PdfMeasurement> {
  const { syntheticSource } = await import('./synthetic.ts');
  const source = syntheticSource();
  const fonts = await readFonts(fontPaths, fallbackPaths);
  const typst = typstJob && (await typstRunner(typstJob, fontPaths));
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  let peakHeap = 0;
  const sample = () => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  };
  const times: number[] = [];
  const typstTimes: number[] = [];
  let bytes = 0;
  let pages = 0;
  let pdf: Uint8Array = new Uint8Array();
  for (let i = 0; i < RUNS; i++) {
    const timer = setInterval(sample, 2);
    const start = performance.now();
    const result = await buildBook(source, { formats: ['pdf'], fonts: async () => fonts, onProgress: sample });
    sample();
    times.push(performance.now() - start);
    clearInterval(timer);
    bytes = result.files[0].size;
    pdf = result.files[0].bytes;
    pages = result.files[0].pages ?? 0;
    gc?.();
    if (typst) {
      typstTimes.push(typst.compile());
      gc?.();
    }
  }
  const { writeFile } = await import('node:fs/promises');
  await writeFile(output, pdf);
  return { times, peakHeap, peakRss: process.resourceUsage().maxRSS * 1024, bytes, pages, typst: typst && { times: typstTimes, ...typst.facts() } };
}

/** Typst's compiler, fonts loaded when it is made (counted in its first run, as our first build reads and parses ours). */
async function typstRunner(job: TypstJob, fontPaths: Record<FaceRole, string>): Promise<{ compile: () => number; facts: () => { pages: number; bytes: number } }> {
  const { readFile } = await import('node:fs/promises');
  const { NodeCompiler } = (await import(job.module)) as typeof import('@myriaddreamin/typst-ts-node-compiler');
  const source = await readFile(job.sourceFile, 'utf8');
  let compiler: InstanceType<typeof NodeCompiler> | null = null;
  let last: Uint8Array = new Uint8Array();
  return {
    compile() {
      const start = performance.now();
      compiler ??= NodeCompiler.create({ workspace: dirname(fontPaths.regular), fontArgs: [{ fontPaths: Object.values(fontPaths) }] });
      last = compiler.pdf({ mainFileContent: source });
      const ms = performance.now() - start;
      compiler.evictCache(0);
      return ms;
    },
    facts: () => ({ pages: Number(/\/Type\s*\/Pages[^>]*?\/Count\s+(\d+)/.exec(Buffer.from(last).toString('latin1'))?.[1] ?? 0), bytes: last.byteLength }),
  };
}

/** Typst's package entry as this checkout resolves it, or null when it is not installed. */
function typstModule(): string | null {
  try {
    return pathToFileURL(createRequire(import.meta.url).resolve('@myriaddreamin/typst-ts-node-compiler')).href;
  } catch {
    return null;
  }
}

async function runChild(dir: string, fontPaths: Record<FaceRole, string>, typstJob: TypstJob | null): Promise<PdfMeasurement & { fitsHeapCap: boolean; fitsTarget: boolean }> {
  const bundle = join(dir, 'pdf-bench.mjs');
  await bundleForChild(
    fileURLToPath(import.meta.url),
    bundle,
    `if (process.argv[2] === '${MEASURE_FLAG}') process.stdout.write(JSON.stringify(await measurePdf(JSON.parse(process.argv[3]), JSON.parse(process.argv[4]), process.argv[5], JSON.parse(process.argv[6]))) + '\\n');`,
    ['@myriaddreamin/typst-ts-node-compiler'],
  );
  // Cuts Hanazono Mincho A into blocks here, once per machine, so no timed build pays for it (src/cli/face-blocks.ts).
  await fontObjects();
  const args = (typst: TypstJob | null) => [MEASURE_FLAG, JSON.stringify(fontPaths), JSON.stringify(cliFallbackFontPaths()), join(dir, 'book.pdf'), JSON.stringify(typst)];
  // Memory from builds alone (Typst's would count in the same process's RSS), times from builds alternating with Typst's.
  const alone = runMeasuringChild<PdfMeasurement>(bundle, args(null));
  const timed = typstJob ? runMeasuringChild<PdfMeasurement>(bundle, args(typstJob)) : alone;
  // A Worker isolate caps the JS heap: the same builds must finish with old space capped.
  return { ...alone, times: timed.times, typst: timed.typst, fitsHeapCap: fitsHeapCap(bundle, args(null), HEAP_CAP_MB), fitsTarget: fitsHeapCap(bundle, args(null), HEAP_TARGET_MB) };
}

/**
 * Short pages: pages whose body (running header and folio left out) has two
 * lines of text or fewer, as `pdftotext -layout` prints them. A chapter's last
 * page may be short; the other short pages are what widow, orphan and
 * keep-with-next control should leave none of. Pages without a running header
 * (cover, title page, chapter openings) are chapter starts, not counted.
 */
function shortPages(file: string, bookTitle: string): { all: number; notChapterEnd: number } | null {
  let text: string;
  try {
    text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch {
    return null;
  }
  const pages = text.split('\f').map((page) => page.split('\n').map((line) => line.trim()).filter(Boolean));
  const hasHeader = (lines: string[] | undefined) => lines !== undefined && lines.length > 0 && lines[0].startsWith(bookTitle);
  let all = 0;
  let notChapterEnd = 0;
  pages.forEach((lines, i) => {
    if (!hasHeader(lines)) return;
    const body = lines.slice(1).filter((line, j, rest) => !(j === rest.length - 1 && /^\d+$/.test(line)));
    if (body.length > 2) return;
    all++;
    if (hasHeader(pages[i + 1])) notChapterEnd++;
  });
  return { all, notChapterEnd };
}

/** Typst markup text: every markup character escaped. */
function typstText(s: string): string {
  return s.replace(/[\\#*_`$<>@[\]~"'=+\-/]/g, (c) => `\\${c}`).replace(/\n/g, ' \\\n');
}

function typstInlines(nodes: readonly Inline[]): string {
  return nodes
    .map((n) => {
      switch (n.type) {
        case 'text':
          return typstText(n.value);
        case 'code':
          return `#raw(${JSON.stringify(n.value)})`;
        case 'break':
          return ' \\\n';
        case 'image':
          return typstText(n.alt);
        case 'strong':
          return `#strong[${typstInlines(n.children)}]`;
        case 'emphasis':
          return `#emph[${typstInlines(n.children)}]`;
        case 'link':
          return `#link(${JSON.stringify(n.href)})[${typstInlines(n.children)}]`;
        default:
          return typstInlines(n.children);
      }
    })
    .join('');
}

function typstBlocks(blocks: readonly Block[]): string {
  return blocks
    .map((b) => {
      switch (b.type) {
        case 'heading':
          return `${'='.repeat(b.level)} ${typstInlines(b.children)}`;
        case 'paragraph':
          return typstInlines(b.children);
        case 'code':
          return `#raw(block: true, ${JSON.stringify(b.value)})`;
        case 'quote':
          return `#quote(block: true)[${typstBlocks(b.children)}]`;
        case 'thematicBreak':
          return '#line(length: 30%)';
        case 'list': {
          const fn = b.ordered ? `enum.with(start: ${b.start})` : 'list';
          return `#${fn}(${b.items.map((item) => `[${typstBlocks(item.children)}]`).join(', ')})`;
        }
        case 'table':
          return `#table(columns: ${b.header.length}, ${[...b.header, ...b.rows.flat()].map((c) => `[${typstInlines(c)}]`).join(', ')})`;
      }
    })
    .join('\n\n');
}

/** The same book as one Typst document: A5, Noto Sans TC 10.5 pt, justified, JetBrains Mono for code, outline. */
export function typstSource(doc: BookDocument): string {
  const head = [
    '#set page(paper: "a5", numbering: "1")',
    '#set text(font: "Noto Sans TC", size: 10.5pt, lang: "zh", region: "tw")',
    '#set par(justify: true, leading: 0.9em)',
    '#show raw: set text(font: "JetBrains Mono")',
    '#show heading.where(level: 1): it => { pagebreak(weak: true); it }',
    `#align(center)[#text(size: 20pt, weight: "bold")[${typstText(doc.meta.title)}]]`,
    '#outline()',
  ];
  const body = doc.chapters.map((c) => `= ${typstText(c.title)}\n\n${typstBlocks(c.blocks)}`);
  return `${head.join('\n')}\n\n${body.join('\n\n')}\n`;
}

/** Called by bench/main.ts with the synthetic book; the child rebuilds the same (seeded) book from bench/synthetic.ts. */
export async function runPdfBench(source: BookSource): Promise<void> {
  const fontPaths = cliFontPaths();
  const dir = mkdtempSync(join(tmpdir(), 'bindery-pdf-bench-'));
  try {
    const { document } = await prepareBook(source, { formats: ['pdf'] });
    const module = typstModule();
    const typstJob = module ? { module, sourceFile: join(dir, 'book.typ') } : null;
    if (typstJob) writeFileSync(typstJob.sourceFile, typstSource(document));
    const pdf = await runChild(dir, fontPaths, typstJob);
    const pdfMs = median(pdf.times);
    const runs = (times: number[]) => `median of ${RUNS}, the first cold: ${times.map((t) => t.toFixed(0)).join(', ')} ms`;
    console.log(`PDF   ${pdf.pages} pages → ${mb(pdf.bytes)} (subset fonts)`);
    console.log(`      wall time ${pdfMs.toFixed(0)} ms (${runs(pdf.times)})`);
    // heapUsed sampled every 2 ms includes garbage not yet collected, so it depends on GC timing;
    // finishing with old space capped is the firm bound.
    console.log(`      peak RSS ${mb(pdf.peakRss)}, peak JS heap (sampled, garbage included) ${mb(pdf.peakHeap)}`);
    const short = shortPages(join(dir, 'book.pdf'), document.meta.title);
    console.log(
      short
        ? `      pages with 2 body lines or fewer: ${short.notChapterEnd} besides chapter ends (${short.all} with chapter ends)`
        : '      short pages not counted: pdftotext (poppler-utils) is not installed',
    );
    console.log(`      builds with the JS heap capped at ${HEAP_CAP_MB} MB: ${pdf.fitsHeapCap ? 'yes' : 'NO'}; at ${HEAP_TARGET_MB} MB: ${pdf.fitsTarget ? 'yes' : 'NO'}`);
    if (!pdf.typst) {
      console.log('Typst (@myriaddreamin/typst-ts-node-compiler) not installed: comparison skipped');
      return;
    }
    const typstMs = median(pdf.typst.times);
    console.log(`Typst ${pdf.typst.pages} pages → ${mb(pdf.typst.bytes)}, wall time ${typstMs.toFixed(0)} ms (${runs(pdf.typst.times)}; each run right after one of ours)`);
    console.log(`      Bindery PDF / Typst = ${(pdfMs / typstMs).toFixed(2)}× (goal ≤ 0.8)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
