import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FORMAT_REGISTRY } from '../../../src/formats/registry.ts';
import { describeWithTools, TOOLS } from '../../support/tools.ts';
import { BOOKS, buildEpub } from './epub-files.ts';
import { MARK_KEY } from '../../support/mark-key.ts';

/**
 * Ace by DAISY 1.4.6 (EPUB Accessibility 1.1 and axe-core over every content
 * document) through its puppeteer runner, in Debian's Chromium. Puppeteer
 * reads its executable path when it is loaded, so the variable is set first.
 */
process.env.PUPPETEER_EXECUTABLE_PATH ??= TOOLS.chromium.command;
// Starting Chromium on a busy 2-core machine can take longer than the runner's 5 s default.
process.env.ACE_TIMEOUT_INITIAL ??= '60000';
const require = createRequire(import.meta.url);

interface AceAssertion {
  'earl:test': { 'dct:title': string; 'earl:impact': string };
  'earl:result': { 'dct:description': string; 'earl:pointer'?: { css?: string[] } };
}
interface AceReport {
  'earl:result': { 'earl:outcome': 'pass' | 'fail' };
  assertions: { 'earl:testSubject': { url: string }; assertions: AceAssertion[] }[];
}
type Ace = (epub: string, options: { cwd: string; outdir: string }, runner: AxeRunner) => Promise<[string, AceReport]>;
interface AxeRunner {
  concurrency: number;
  setTimeout(ms: number): void;
  launch(): Promise<void>;
  close(): Promise<void>;
  run(...args: unknown[]): Promise<unknown>;
}

/**
 * The puppeteer runner keeps one browser in a module variable, launched and
 * closed by each Ace run; concurrent runs share it, started by the first
 * and closed by the last.
 */
function sharedBrowserRunner(runner: AxeRunner): AxeRunner {
  let users = 0;
  let launched: Promise<void> | undefined;
  return {
    concurrency: runner.concurrency,
    setTimeout: (ms) => runner.setTimeout(ms),
    launch: async () => {
      users += 1;
      launched ??= runner.launch();
      await launched;
    },
    close: async () => {
      users -= 1;
      if (users > 0) return;
      launched = undefined;
      await runner.close();
    },
    run: (...args) => runner.run(...args),
  };
}

/** "title [impact] file: description (selector)" for each violation Ace reports. */
function violations(report: AceReport): string[] {
  return report.assertions.flatMap(({ 'earl:testSubject': subject, assertions }) =>
    assertions.map((a) => `${a['earl:test']['dct:title']} [${a['earl:test']['earl:impact']}] ${subject.url}: ${a['earl:result']['dct:description']} (${a['earl:result']['earl:pointer']?.css?.join(', ') ?? ''})`),
  );
}

const LICENCE = { email: 'reader@example.com', orderId: 'pur_ace0000000000000000', mark: '6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5' };

describeWithTools([TOOLS.chromium], 'Ace by DAISY finds no accessibility violations', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bindery-ace-'));
  const reports = new Map<string, AceReport>();

  beforeAll(async () => {
    // Ace logs through winston; a silent transport keeps its progress out of the test output.
    const winston = createRequire(require.resolve('@daisy/ace-core'))('winston');
    winston.add(new winston.transports.Console({ silent: true }));
    const ace = require('@daisy/ace-core') as Ace;
    const runner = sharedBrowserRunner(require('@daisy/ace-axe-runner-puppeteer'));

    const [aiVideo, newsroom, edgeCases] = await Promise.all([BOOKS.aiVideo, BOOKS.newsroom, BOOKS.edgeCases].map((book) => buildEpub(book)));
    const stamped = await (await FORMAT_REGISTRY.epub.stamper()).stamp(aiVideo, LICENCE, { markKey: MARK_KEY });
    const files = { aiVideo, newsroom, edgeCases, stamped };
    const started = performance.now();
    await Promise.all(
      Object.entries(files).map(async ([name, bytes]) => {
        const file = join(dir, `${name}.epub`);
        writeFileSync(file, bytes);
        // Without an outdir Ace prints the whole report to stdout; with one it writes report.json and report.html there.
        const [, report] = await ace(file, { cwd: dir, outdir: join(dir, name) }, runner);
        reports.set(name, report);
      }),
    );
    console.info(`Ace checked ${reports.size} EPUBs in ${Math.round(performance.now() - started)} ms`);
  }, 600_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['the zh-Hant sample book', 'aiVideo'],
    ['the English sample book', 'newsroom'],
    ['the edge-case book', 'edgeCases'],
    ['a copy stamped for a buyer', 'stamped'],
  ])('passes %s', (_label, name) => {
    const report = reports.get(name)!;
    expect(violations(report)).toEqual([]);
    expect(report['earl:result']['earl:outcome']).toBe('pass');
  });
});
