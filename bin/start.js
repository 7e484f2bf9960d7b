#!/usr/bin/env node
// `npm start`: loads tsx so Node runs the TypeScript sources, then hands over to src/cli/start.ts.
'use strict';
import('tsx/esm')
  .then(() => import('../src/cli/start.ts'))
  .then(({ start }) => start())
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`npm start: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
