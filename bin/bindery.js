#!/usr/bin/env -S node --max-semi-space-size=1
// A 1 MB young generation (V8's semi-space; the default grows to 16 MB) keeps a 100-chapter PDF build near 151 MB of
// RSS instead of 172–199 MB and an EPUB build near 85 MB instead of 98, at the same speed (docs/decisions.md). Node
// reads the flag only at start-up, so it rides the shebang: `bindery`, npx and node_modules/.bin get it.
// The `bindery` command. CommonJS (bin/package.json), so Node starts it without its ES module loader. It runs
// dist-cli/launch.cjs, which prints the usage itself or runs a command from dist-cli/bindery.cjs: the bundles
// of src/ (the same src/ the Worker ships) that `npm install`/`npm ci` build (the package's `prepare` step,
// scripts/build-cli.mjs), without a TypeScript transpiler at start-up.
'use strict';
const { join } = require('node:path');

const dist = join(__dirname, '..', 'dist-cli');

/** True for the error of a bundle that was never built (installed with --ignore-scripts, or deleted). */
function bundleMissing(error) {
  const missing = error?.code === 'MODULE_NOT_FOUND' || error?.code === 'ENOENT';
  return missing && String(error.message).includes(dist);
}

function reportMissingBundle() {
  process.stderr.write(
    'bindery: the CLI bundle (dist-cli/launch.cjs, dist-cli/bindery.cjs) has not been built.\n' +
      'It is built by `npm install` / `npm ci`; after `--ignore-scripts`, or to pick up changes to src/, run:\n\n' +
      '  npm run build:cli\n',
  );
  process.exit(1);
}

let launcher;
try {
  launcher = require(join(dist, 'launch.cjs'));
} catch (error) {
  if (!bundleMissing(error)) throw error;
  reportMissingBundle();
}
launcher.launch(process.argv.slice(2), dist).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    if (!bundleMissing(error)) throw error;
    reportMissingBundle();
  },
);
