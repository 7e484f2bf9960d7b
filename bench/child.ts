import { spawnSync } from 'node:child_process';

export const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Bundles a bench module for a child process, as wrangler bundles the Worker:
 * under tsx the process would also hold the TypeScript transpiler and its
 * caches (~55 MB of RSS that a deployed build never carries). `footer` is the
 * code the bundle runs on start.
 */
export async function bundleForChild(entry: string, outfile: string, footer: string, external: string[] = []): Promise<void> {
  // Loaded here, not at the top: the bundle itself runs where esbuild cannot be resolved.
  const { build } = await import('esbuild');
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'error',
    // As `wrangler deploy` ships the Worker (minify = true in wrangler.toml): no comments, ASCII only.
    // A single non-Latin-1 character left in the source makes V8 keep the whole script at 2 bytes per character.
    // Identifiers keep their names: the footer calls the measuring function by name.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    charset: 'ascii',
    external: ['esbuild', ...external],
    footer: { js: footer },
    banner: { js: "import { createRequire as bindery_createRequire } from 'node:module'; const require = bindery_createRequire(import.meta.url);" },
  });
}

/** Runs the bundle with `--expose-gc` (and any other V8 flags) and returns the JSON its last stdout line holds. */
export function runMeasuringChild<T>(bundle: string, args: string[], v8Flags: string[] = []): T {
  const child = spawnSync(process.execPath, ['--expose-gc', ...v8Flags, bundle, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`benchmark child failed (${child.status}): ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as T;
}

/** Whether the same builds finish with V8's old space capped at `capMb` — what a Worker isolate limits. */
export function fitsHeapCap(bundle: string, args: string[], capMb: number): boolean {
  return spawnSync(process.execPath, ['--expose-gc', `--max-old-space-size=${capMb}`, bundle, ...args], { stdio: 'ignore' }).status === 0;
}
