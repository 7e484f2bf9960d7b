import { join, relative, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import { buildBook } from '../pipeline/build.ts';
import { parseBuildArgs, type BuildArgs } from './args.ts';
import { DirectorySource } from './directory-source.ts';
import type { CliIo } from './io.ts';
import { printWarnings, progressPrinter, reportingErrors, sourceDateEpoch } from './report.ts';
import { writeFilesAtomic } from './write-atomic.ts';

/** `bindery build <book-dir>`: renders the requested formats and writes them with `<slug>.json` beside them. */
export async function runBuild(argv: string[], io: CliIo): Promise<number> {
  const args = parseBuildArgs(argv);
  return reportingErrors(io, args.bookDir, () => build(args, io));
}

async function build(args: BuildArgs, io: CliIo): Promise<number> {
  const result = await buildBook(new DirectorySource(resolve(io.cwd, args.bookDir)), {
    formats: args.formats,
    // Fonts are read only when a PDF is rendered: an EPUB build never touches them.
    fonts: async () => (await import('./fonts.ts')).loadCliFonts(),
    sourceDateEpoch: sourceDateEpoch(io.env),
    deflate: (data) => deflateSync(data, { level: 6 }),
    onProgress: progressPrinter(io, args.quiet),
  });
  printWarnings(io, args.bookDir, result.facts.warnings);
  const outDir = resolve(io.cwd, args.out);
  const outputs = [
    ...result.files.map((f) => ({ path: join(outDir, f.filename), data: f.bytes })),
    { path: join(outDir, `${result.facts.slug}.json`), data: `${JSON.stringify(result.facts, null, 2)}\n` },
  ];
  await writeFilesAtomic(outputs);
  for (const { path } of outputs) io.stdout(`${relative(io.cwd, path)}\n`);
  if (!args.quiet) {
    const sizes = result.files.map((f) => `${f.filename} ${(f.size / 1024).toFixed(1)} KiB`).join(', ');
    io.stderr(`built "${result.facts.title}": ${result.facts.chapters.length} chapters, ${result.facts.characters} characters; ${sizes}\n`);
  }
  return 0;
}
