import { parseArgs } from 'node:util';
import { z } from 'zod';
import { FORMATS, type Format } from '../formats/registry.ts';
import { UsageError } from './io.ts';

export { USAGE } from './usage.ts';

const formatsSchema = z
  .string()
  .transform((s) => s.split(',').map((f) => f.trim()).filter(Boolean))
  .pipe(z.array(z.enum(FORMATS as [Format, ...Format[]])).min(1))
  .transform((list) => [...new Set(list)]);

export interface BuildArgs {
  bookDir: string;
  out: string;
  formats: Format[];
  quiet: boolean;
}

export interface CheckArgs {
  bookDir: string;
  quiet: boolean;
}

/** Runs node's parseArgs, turning its complaints (unknown option, missing value) into usage errors. */
function asUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function bookDir(positionals: string[], command: string): string {
  if (positionals.length !== 1) throw new UsageError(`${command} takes exactly one <book-dir>, got ${positionals.length}`);
  return positionals[0];
}

export function parseBuildArgs(argv: string[]): BuildArgs {
  const { values, positionals } = asUsage(() =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o', default: 'dist' },
        format: { type: 'string', short: 'f', default: 'epub' },
        quiet: { type: 'boolean', short: 'q', default: false },
      },
    }),
  );
  const formats = formatsSchema.safeParse(values.format);
  if (!formats.success) throw new UsageError(`--format: expected epub, pdf or epub,pdf, got "${values.format}"`);
  const out = values.out;
  if (!out) throw new UsageError('--out: expected a directory');
  return { bookDir: bookDir(positionals, 'build'), out, formats: formats.data, quiet: values.quiet };
}

export function parseCheckArgs(argv: string[]): CheckArgs {
  const { values, positionals } = asUsage(() =>
    parseArgs({ args: argv, allowPositionals: true, options: { quiet: { type: 'boolean', short: 'q', default: false } } }),
  );
  return { bookDir: bookDir(positionals, 'check'), quiet: values.quiet };
}
