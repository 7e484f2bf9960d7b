import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { prepareBook } from '../src/pipeline/build.ts';
import { lazyFonts, renderEdition } from '../src/worker/consumer.ts';
import { FORMATS, FORMAT_REGISTRY } from '../src/formats/registry.ts';
import { cliFontPath, fontObjects } from '../src/cli/fonts.ts';
import { DirectorySource } from '../src/cli/directory-source.ts';
import type { BookSource } from '../src/content/source.ts';
import { FONT_FILES } from '../src/pdf/font-keys.ts';
import { syntheticBook, syntheticSource } from './synthetic.ts';
import { mb } from './child.ts';

/**
 * Peak memory of the queue consumer's build (`renderEdition`: every format of
 * the full edition, then its sample), fonts read as the consumer reads them
 * from R2. A Worker isolate counts the JS heap and ArrayBuffers against its
 * 128 MB, so the figure is heapUsed + arrayBuffers, sampled every 2 ms, above
 * a baseline taken after a forced GC with the writers' modules loaded (the
 * Worker's script holds them before any build; what loading them took, ~13 MB
 * under tsx, is printed beside), and the absolute peak.
 *
 * Run: node --expose-gc --import tsx bench/consumer-memory.ts
 * (add `curve` for the synthetic book at 50/100/200/400 chapters, each in a fresh process, with Node's
 * default heap and with one as tight as a Worker isolate's).
 */
const isolateBytes = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

async function fontBucket(): Promise<Pick<R2Bucket, 'get'>> {
  const objects = new Map<string, Uint8Array>();
  for (const font of FONT_FILES) objects.set(font.r2Key, new Uint8Array(await readFile(cliFontPath(font))));
  // A fallback face is read from disk only when the build asks for it, so its bytes count in that build's peak alone.
  // A face from a Debian package that is not installed is missing from the bucket, as it would be in R2; one that is
  // installed is there in blocks (src/cli/face-blocks.ts).
  const fallbacks = new Map((await fontObjects()).map(({ key, file }) => [key, file]));
  return {
    get: async (key: string) => {
      const bytes = objects.get(key);
      if (bytes) return { arrayBuffer: async () => bytes.slice().buffer } as unknown as R2ObjectBody;
      const path = fallbacks.get(key);
      return path ? ({ arrayBuffer: async () => new Uint8Array(await readFile(path)).buffer } as unknown as R2ObjectBody) : null;
    },
  } as unknown as Pick<R2Bucket, 'get'>;
}

async function measure(name: string, source: BookSource): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  const formats = [...FORMATS].sort();
  const bucket = await fontBucket();
  // The writers' code is part of the Worker's script, in the isolate before any build (and evaluated by its first): loaded here
  // before the baseline, so the figure is what a build of this book needs. What loading it took is printed beside.
  gc();
  const beforeCode = isolateBytes();
  for (const format of formats) await FORMAT_REGISTRY[format].writer();
  gc();
  const baseline = isolateBytes();
  let peak = baseline;
  let peakParts = '';
  let progress = 'preparing';
  const sample = () => {
    const m = process.memoryUsage();
    if (m.heapUsed + m.arrayBuffers <= peak) return;
    peak = m.heapUsed + m.arrayBuffers;
    peakParts = `heap ${mb(m.heapUsed)} + ArrayBuffers ${mb(m.arrayBuffers)}, at ${progress}`;
  };
  const timer = setInterval(sample, 2);
  const started = performance.now();
  const { document, contentHash } = await prepareBook(source, { formats });
  const sizes: string[] = [];
  await renderEdition(document, contentHash, {
    formats,
    fonts: lazyFonts(bucket),
    onProgress: (fraction) => {
      progress = `${(fraction * 100).toFixed(0)} %`;
      sample();
    },
    // What the Worker does with DigestStream (src/worker/consumer.ts): the chunks hashed as they are, never joined.
    sha256: async (chunks) => chunks.reduce((hash, chunk) => hash.update(chunk), createHash('sha256')).digest('hex'),
    store: async (files, isSample) => {
      sample();
      for (const f of files) sizes.push(`${isSample ? 'sample-' : ''}${f.format} ${mb(f.size)}${f.pages ? ` ${f.pages}p` : ''}`);
    },
  });
  sample();
  clearInterval(timer);
  const ms = performance.now() - started;
  // The baseline holds whatever garbage the previous build left uncollected, so the absolute peak is printed too.
  console.log(
    `${name}: peak ${mb(peak - baseline)} above baseline (heap+ArrayBuffers; baseline ${mb(baseline)}, of it the writers' code ${mb(baseline - beforeCode)}; absolute ${mb(peak)}: ${peakParts}), ${ms.toFixed(0)} ms — ${sizes.join(', ')}`,
  );
}

/** Chapter counts of the growth curve (issue 15: a 400-chapter book, ~2,600 pages, within 64 MB above baseline). */
const CURVE = [50, 100, 200, 400];
const [mode, count] = process.argv.slice(2);
if (mode === 'chapters') {
  // One point of the curve, alone in its process so its baseline holds no other build's garbage.
  await measure(`synthetic zh-Hant, ${count} chapters`, syntheticSource(syntheticBook(Number(count))));
  process.exit(0);
}
/**
 * V8 flags of a heap as tight as a Worker isolate's: old space capped at 64 MB, young generation at 1 MB semi-spaces.
 * With Node's defaults V8 lets the heap grow to several times what is live before collecting, so the sampled
 * peak is mostly garbage; under these flags it is closer to what the build needs, and a build that does not fit dies.
 */
const ISOLATE_FLAGS = ['--max-old-space-size=64', '--max-semi-space-size=1'];
if (mode === 'curve') {
  for (const [label, flags] of [
    ["Node's default heap", []],
    [`a Worker-sized heap (${ISOLATE_FLAGS.join(' ')})`, ISOLATE_FLAGS],
  ] as const) {
    console.log(`Growth curve, ${label}: the synthetic zh-Hant book at ${CURVE.join('/')} chapters, each in a fresh process`);
    for (const chapters of CURVE) {
      const args = [...process.execArgv, ...flags, fileURLToPath(import.meta.url), 'chapters', String(chapters)];
      const child = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      process.stdout.write(child.status === 0 ? child.stdout : `synthetic zh-Hant, ${chapters} chapters: did not fit (exit ${child.status ?? child.signal})\n`);
    }
  }
  process.exit(0);
}

await measure('ai-video-handbook (zh-Hant, 5 chapters)', new DirectorySource('books/ai-video-handbook'));
/** The same book with one more paragraph: emoji and 𰻞, so both fallback faces (Noto Sans HK, Noto Emoji) are read and embedded. */
class WithFallbackCharacters extends DirectorySource {
  constructor(
    dir: string,
    private readonly paragraph = '備援字型：😀❤️👩‍💻👍🏽🇹🇼，𰻞𰻞麵。',
  ) {
    super(dir);
  }

  override async read(path: string): Promise<Uint8Array | null> {
    const bytes = await super.read(path);
    if (path !== 'articles/01-landscape.md' || !bytes) return bytes;
    return new TextEncoder().encode(`${new TextDecoder().decode(bytes)}\n\n${this.paragraph}\n`);
  }
}
/** Han characters no Noto face has, drawn from Hanazono Mincho A (fonts-hanazono; boxes where it is not installed). */
const RARE_HAN = '罕用字：𠀀、𪚥、𩸽、㐀、靐。';
await measure('remote-newsroom-playbook (en, 4 chapters)', new DirectorySource('books/remote-newsroom-playbook'));
await measure('synthetic zh-Hant, 100 chapters', syntheticSource());
// Again, warm: the first build above also pays for compiling the writers' code.
await measure('ai-video-handbook again (warm)', new DirectorySource('books/ai-video-handbook'));
// Warm too, beside the run above: the same book with the paragraph that reads and embeds both fallback faces.
await measure('ai-video-handbook + a paragraph drawn from both fallback faces', new WithFallbackCharacters('books/ai-video-handbook'));
// Warm: the same book, and the 100-chapter one, with a paragraph drawn from Hanazono Mincho A (five of its blocks).
await measure('ai-video-handbook + a paragraph drawn from Hanazono Mincho A', new WithFallbackCharacters('books/ai-video-handbook', RARE_HAN));
const rareBook = syntheticBook();
rareBook.chapters[0].body += `\n\n${RARE_HAN}\n`;
await measure('synthetic zh-Hant, 100 chapters + a paragraph drawn from Hanazono Mincho A', syntheticSource(rareBook));
