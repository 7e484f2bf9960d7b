import type { CliIo } from './io.ts';

/** `bindery --help`. Kept in a module without runtime imports: the launcher prints it without loading the commands' bundle. */
export const USAGE = `Usage:
  bindery build <book-dir> [--out dir] [--format epub|pdf|epub,pdf] [--quiet]
  bindery check <book-dir> [--quiet]
  bindery push <book-dir> [options]     (see: bindery push --help)
  bindery verify <file> --api <url> --token <token> [--json]

build   writes <out>/<slug>.epub (and .pdf) plus <out>/<slug>.json describing the build
check   validates book.yaml, every article and image, and writes nothing
verify  asks the store which purchases a leaked EPUB, PDF or pasted text (.txt) was sold with
`;

/** The commands `main` runs; any other first argument prints the usage. */
export const COMMAND_NAMES = ['build', 'check', 'push', 'verify'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export function isCommand(name: string | undefined): name is CommandName {
  return (COMMAND_NAMES as readonly (string | undefined)[]).includes(name);
}

/**
 * `bindery`, `bindery --help` or a mistyped command: prints the usage and
 * returns the exit code (0 when help was asked for, 2 otherwise).
 */
export function printUsage(name: string | undefined, io: Pick<CliIo, 'stdout' | 'stderr'>): number {
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name ? io.stdout : io.stderr)(USAGE);
    return name ? 0 : 2;
  }
  io.stderr(`bindery: unknown command "${name}"\n\n${USAGE}`);
  return 2;
}
