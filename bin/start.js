#!/usr/bin/env node
// `npm start`: registers tsx so Node runs the TypeScript sources, then hands over to src/cli/start.ts.
import { register } from 'tsx/esm/api';

register();
const { start } = await import('../src/cli/start.ts');
try {
  process.exitCode = await start();
} catch (error) {
  process.stderr.write(`npm start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
