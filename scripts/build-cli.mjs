#!/usr/bin/env node
// `npm run build:cli` (and the package's `prepare` step, so `npm install`/`npm ci` produce it): bundles the
// command line into dist-cli/ with esbuild, so `bindery` runs plain JavaScript instead of transpiling the
// TypeScript sources at every start. Same src/ as the Worker (wrangler bundles that side); dist-cli/ is
// build output and git-ignored. Two CommonJS bundles (Node loads CommonJS without starting its ES module
// loader, and only a classic script can use V8's code cache in Node 20):
//   launch.cjs   src/cli/launch.ts: prints the usage, or runs a command from bindery.cjs through the code cache
//   bindery.cjs  src/cli/main.ts and every command: one file, each module initialised only when a command needs it
import { build } from 'esbuild';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist-cli');

const result = await build({
  absWorkingDir: root,
  entryPoints: { launch: 'src/cli/launch.ts', bindery: 'src/cli/main.ts' },
  outdir,
  outExtension: { '.js': '.cjs' },
  write: false,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // Less to parse; identifiers keep their names so stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  // ASCII only: one non-Latin-1 character would make V8 hold the whole script at two bytes per character.
  charset: 'ascii',
  legalComments: 'none',
  // Maps beside the bundles for `node --enable-source-maps bin/bindery.js …`; not loaded otherwise.
  sourcemap: 'linked',
  logLevel: 'warning',
  // src/cli/fonts.ts resolves the font packages from its own URL; in a CommonJS bundle that is the bundle's file.
  define: { 'import.meta.url': '__binderyImportMetaUrl' },
  banner: { js: "var __binderyImportMetaUrl=require('node:url').pathToFileURL(__filename).href;" },
});

// Each file is written beside its final name and renamed into place, and only then are files of an older
// build removed: a `bindery` already running from dist-cli/ (a test, `npm start`) never reads half a file.
const written = new Set();
for (const file of result.outputFiles) {
  await mkdir(dirname(file.path), { recursive: true });
  const tmp = `${file.path}.${process.pid}.tmp`;
  await writeFile(tmp, file.contents);
  await rename(tmp, file.path);
  written.add(relative(outdir, file.path));
}
for (const entry of await readdir(outdir, { recursive: true, withFileTypes: true })) {
  const path = join(entry.parentPath ?? entry.path, entry.name);
  if (entry.isFile() && !written.has(relative(outdir, path))) await rm(path, { force: true });
}
