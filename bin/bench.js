#!/usr/bin/env node
// `npm run bench`: registers tsx so Node runs the TypeScript benchmark and the sources it measures.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../bench/main.ts');
process.exitCode = await main();
