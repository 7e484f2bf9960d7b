import { BinderyError } from '../errors.ts';
import { processIo, UsageError, type CliIo } from './io.ts';
import { USAGE } from './usage.ts';

type Command = (argv: string[], io: CliIo) => Promise<number>;

/**
 * Each command is loaded when it is run, so `bindery --help` (or a mistyped
 * command) starts without the Markdown parser, zod or the writers, and
 * `build`/`check` never load push's HTTP client. In the bundle (dist-cli/)
 * every import() below is a chunk of its own.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  build: async () => (await import('./build.ts')).runBuild,
  check: async () => (await import('./check.ts')).runCheck,
  push: async () => (await import('./push.ts')).runPush,
  verify: async () => (await import('./verify.ts')).runVerify,
};

/**
 * The `bindery` command line. Returns the exit code: 0 done, 1 bad input or a
 * failed build (reported as `path:line: message`), 2 a command line that
 * cannot be run as typed.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name ? io.stdout : io.stderr)(USAGE);
    return name ? 0 : 2;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    io.stderr(`bindery: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await (await load())(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`bindery ${name}: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof BinderyError) {
      const { describeError } = await import('./report.ts');
      io.stderr(`${describeError(io, undefined, error)}\n`);
      return 1;
    }
    io.stderr(`bindery: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}
