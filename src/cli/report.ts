import { z } from 'zod';
import type { Warning } from '../errors.ts';
import { BinderyError } from '../errors.ts';
import { displayPath, type CliIo } from './io.ts';

/** `file:line: warning: message`, the form compilers use, so editors can jump to the place. */
export function printWarnings(io: CliIo, bookDir: string, warnings: readonly Warning[]): void {
  for (const w of warnings) io.stderr(`${displayPath(io, bookDir, w.file)}${w.line ? `:${w.line}` : ''}: warning: ${w.message}\n`);
}

/** Runs a command on a book folder; a located error is printed with its path shown from the working directory, exit 1. */
export async function reportingErrors(io: CliIo, bookDir: string, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof BinderyError)) throw error;
    io.stderr(`${describeError(io, bookDir, error)}\n`);
    return 1;
  }
}

/** A located error with its file shown relative to the working directory. */
export function describeError(io: CliIo, bookDir: string | undefined, error: BinderyError): string {
  const file = error.where.file && bookDir !== undefined ? displayPath(io, bookDir, error.where.file) : error.where.file;
  const located = new BinderyError(error.code, error.message, { ...error.where, file });
  return located.where.file ? located.describe() : `bindery: ${located.describe()}`;
}

/** Prints build progress on stderr at every tenth of the way, unless quiet: enough to see a long build move. */
export function progressPrinter(io: CliIo, quiet: boolean): ((fraction: number, label: string) => void) | undefined {
  if (quiet) return undefined;
  let shown = -1;
  return (fraction, label) => {
    const step = Math.floor(fraction * 10);
    if (step === shown) return;
    shown = step;
    io.stderr(`[${String(Math.round(fraction * 100)).padStart(3)}%] ${label}\n`);
  };
}

/** Up to the last second of year 9999: EPUB and PDF dates have four-digit years, and a later one is no date at all to `toISOString`. */
const epochSchema = z.coerce.number().int().nonnegative().max(253_402_300_799);

/** SOURCE_DATE_EPOCH (reproducible-builds.org) overrides the book date for timestamps. */
export function sourceDateEpoch(env: Record<string, string | undefined>): number | undefined {
  const raw = env.SOURCE_DATE_EPOCH;
  if (raw === undefined || raw === '') return undefined;
  const parsed = epochSchema.safeParse(raw);
  if (!parsed.success) throw new BinderyError('invalid-input', `SOURCE_DATE_EPOCH must be whole seconds since 1970, before the year 10000, got "${raw}"`, { field: 'SOURCE_DATE_EPOCH' });
  return parsed.data;
}
