import { resolve } from 'node:path';
import { prepareBook } from '../pipeline/build.ts';
import { parseCheckArgs, type CheckArgs } from './args.ts';
import { DirectorySource } from './directory-source.ts';
import type { CliIo } from './io.ts';
import { printWarnings, reportingErrors, sourceDateEpoch } from './report.ts';

/** `bindery check <book-dir>`: loads and validates the whole book the way a build would, writing nothing. */
export async function runCheck(argv: string[], io: CliIo): Promise<number> {
  const args = parseCheckArgs(argv);
  return reportingErrors(io, args.bookDir, () => check(args, io));
}

async function check(args: CheckArgs, io: CliIo): Promise<number> {
  const { document } = await prepareBook(new DirectorySource(resolve(io.cwd, args.bookDir)), {
    formats: ['epub'],
    sourceDateEpoch: sourceDateEpoch(io.env),
    consentGaps: 'warn',
  });
  printWarnings(io, args.bookDir, document.warnings);
  if (!args.quiet) {
    io.stderr(`ok: "${document.meta.title}": ${document.chapters.length} chapters, ${document.assets.size} images, ${document.warnings.length} warnings\n`);
  }
  return 0;
}
