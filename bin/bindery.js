#!/usr/bin/env node
// The `bindery` command: registers tsx so Node runs the TypeScript sources the Worker also uses, then hands over to src/cli.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
