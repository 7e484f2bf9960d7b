import { BinderyError } from '../errors.ts';
import { processIo, UsageError, type CliIo } from './io.ts';
import { isCommand, printUsage, USAGE, type CommandName } from './usage.ts';

type Command = (argv: string[], io: CliIo) => Promise<number>;

/**
 * Each command is loaded when it is run, so `build`/`check` never load push's
 * HTTP client, and an EPUB build never the PDF writer. In the bundle
 * (dist-cli/bindery.cjs) every module behind an import() below is initialised
 * only when it is imported; `bindery --help` never loads that bundle at all
 * (src/cli/launch.ts).
 */
const COMMANDS: Record<CommandName, () => Promise<Command>> = {
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
  if (!isCommand(name)) return printUsage(name, io);
  try {
    return await (await COMMANDS[name]())(rest, io);
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
