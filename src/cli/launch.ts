import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { processIo } from './io.ts';
import { isCommand, printUsage } from './usage.ts';

/**
 * What `bin/bindery.js` runs: `dist-cli/launch.cjs`, a bundle of this file of
 * a few KB. The usage is printed from here, so `bindery --help` never compiles
 * the commands; a command runs `main` from `dist-cli/bindery.cjs` (the bundle
 * of src/cli/main.ts) through V8's code cache, kept per command in the
 * package's node_modules/.cache/bindery (`BINDERY_CACHE_DIR` moves it; set to
 * an empty value it turns the cache off).
 */
export async function launch(argv: string[], dist: string, env: Record<string, string | undefined> = process.env): Promise<number> {
  const [name] = argv;
  if (!isCommand(name)) return printUsage(name, processIo());
  const cacheDir = env.BINDERY_CACHE_DIR ?? join(dist, '..', 'node_modules', '.cache', 'bindery');
  // Loaded here, not at the top: `--help` loads none of the code cache's modules.
  const { requireWithCodeCache } = await import('./code-cache.ts');
  const cli = requireWithCodeCache<{ main: (argv: string[]) => Promise<number> }>(resolve(dist, 'bindery.cjs'), cacheDir || undefined, cacheLabel(argv));
  const code = await cli.exports.main(argv);
  cli.save();
  return code;
}

/**
 * One code cache per command and `--format`: a PDF build compiles the PDF
 * writer and its libraries, and an EPUB build would only pay to load that
 * bytecode (a cache three times the size). The command checks its own
 * arguments; an unreadable `--format` here only names a cache.
 */
export function cacheLabel(argv: string[]): string {
  const [name, ...rest] = argv;
  const { values } = parseArgs({ args: rest, strict: false, allowPositionals: true, options: { format: { type: 'string', short: 'f' } } });
  const format = typeof values.format === 'string' ? values.format.toLowerCase().replace(/[^a-z]+/g, '+').replace(/^\+|\+$/g, '') : '';
  return format ? `${name}-${format}` : name;
}
