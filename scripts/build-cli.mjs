#!/usr/bin/env node
// `npm run build:cli` (and the package's `prepare` step, so `npm install`/`npm ci` produce it): bundles
// src/cli/main.ts into dist-cli/ with esbuild, so `bindery` runs plain JavaScript instead of transpiling the
// TypeScript sources at every start. Same src/ as the Worker (wrangler bundles that side); dist-cli/ is
// build output and git-ignored.
import { build } from 'esbuild';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist-cli');

const result = await build({
  absWorkingDir: root,
  entryPoints: { bindery: 'src/cli/main.ts' },
  outdir,
  write: false,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Dynamic imports (push, each format's writer, the fonts) become chunks loaded only when a command needs them.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  // Less to parse at start-up; identifiers keep their names so stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  // ASCII only: one non-Latin-1 character would make V8 hold a whole chunk at two bytes per character.
  charset: 'ascii',
  legalComments: 'none',
  // Maps beside the chunks for `node --enable-source-maps bin/bindery.js …`; not loaded otherwise.
  sourcemap: 'linked',
  logLevel: 'warning',
  // Some CommonJS dependencies require() Node built-ins; an ES module has no require of its own.
  banner: { js: "import{createRequire as __binderyCreateRequire}from'node:module';const require=__binderyCreateRequire(import.meta.url);" },
});

// Each file is written beside its final name and renamed into place, and only then are files of an older
// build removed: a `bindery` already running from dist-cli/ (a test, `npm start`) never reads half a file.
// Chunk names carry a content hash, so an unchanged chunk is simply rewritten with the same bytes.
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
