#!/usr/bin/env node
// The `bindery` command: runs the esbuild bundle of src/cli/main.ts that `npm install`/`npm ci` build
// (the package's `prepare` step, scripts/build-cli.mjs) — the same src/ the Worker ships, without a
// TypeScript transpiler at start-up.
let cli;
try {
  cli = await import('../dist-cli/bindery.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist-cli')) throw error;
  process.stderr.write(
    'bindery: the CLI bundle (dist-cli/bindery.js) has not been built.\n' +
      'It is built by `npm install` / `npm ci`; after `--ignore-scripts`, or to pick up changes to src/, run:\n\n' +
      '  npm run build:cli\n',
  );
  process.exit(1);
}
process.exitCode = await cli.main(process.argv.slice(2));
