import { BinderyError } from '../errors.ts';
import { USAGE } from './args.ts';
import { runBuild } from './build.ts';
import { runCheck } from './check.ts';
import { processIo, UsageError, type CliIo } from './io.ts';
import { describeError } from './report.ts';

type Command = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  build: runBuild,
  check: runCheck,
  push: runPushCommand,
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
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`bindery: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`bindery ${name}: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof BinderyError) {
      io.stderr(`${describeError(io, undefined, error)}\n`);
      return 1;
    }
    io.stderr(`bindery: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

/** `bindery push` lives in its own module, loaded on demand so build and check never pay for its imports. */
async function runPushCommand(argv: string[], io: CliIo): Promise<number> {
  const { runPush } = await import('./push.ts');
  return runPush(argv, io);
}
