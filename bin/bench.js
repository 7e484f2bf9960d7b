#!/usr/bin/env node
// `npm run bench [-- section…]`: registers tsx (a dev dependency) so Node runs the TypeScript benchmark and the sources it measures.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../bench/main.ts');
process.exitCode = await main(process.argv.slice(2));
