import { relative, resolve } from 'node:path';

/** Where the CLI writes and how it names files: injected so tests run commands in-process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: Record<string, string | undefined>;
}

export const processIo = (): CliIo => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
});

/** A path inside the book as the user would type it from their shell: relative to the working directory. */
export function displayPath(io: CliIo, bookDir: string, file: string): string {
  const shown = relative(io.cwd, resolve(io.cwd, bookDir, file));
  return shown || '.';
}

/** Thrown for a command line that cannot be run as typed (exit code 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
