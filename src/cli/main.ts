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

/** `bindery push` lives in its own module; loaded on demand so build and check never pay for it. */
async function runPushCommand(argv: string[], io: CliIo): Promise<number> {
  const push = await importIfPresent<{ runPush(argv: string[]): Promise<number> }>('./push.ts');
  if (!push) {
    io.stderr('bindery push: not available in this version of Bindery\n');
    return 2;
  }
  return push.runPush(argv);
}

/** Dynamic import that treats only "this module does not exist" as absence; any other failure is rethrown. */
export async function importIfPresent<T>(specifier: string): Promise<T | null> {
  const url = new URL(specifier, import.meta.url);
  try {
    return (await import(url.href)) as T;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String((error as Error).message).includes(url.pathname.split('/').pop()!)) return null;
    throw error;
  }
}
