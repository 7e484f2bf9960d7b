#!/usr/bin/env node
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
