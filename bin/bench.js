#!/usr/bin/env node
// `npm run bench [-- section…]`: loads tsx (a dev dependency) so Node runs the TypeScript benchmark and the sources it measures.
'use strict';
import('tsx/esm')
  .then(() => import('../bench/main.ts'))
  .then(async ({ main }) => {
    process.exitCode = await main(process.argv.slice(2));
  });
