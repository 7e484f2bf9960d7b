import { spawnSync } from 'node:child_process';
import { describe, it } from 'vitest';

/** A Debian tool the suite drives for real checks. */
export interface Tool {
  name: string;
  /** Debian package that provides it. */
  pkg: string;
  command: string;
  args: string[];
}

export const TOOLS = {
  // EPUBCheck exits 1 on --version ("No file specified"); listing its checks to /dev/null exits 0 when it runs.
  epubcheck: { name: 'EPUBCheck', pkg: 'epubcheck', command: 'java', args: ['-jar', '/usr/share/java/epubcheck.jar', '--listChecks', '/dev/null'] },
  qpdf: { name: 'qpdf', pkg: 'qpdf', command: 'qpdf', args: ['--version'] },
  poppler: { name: 'poppler-utils', pkg: 'poppler-utils', command: 'pdftotext', args: ['-v'] },
  chromium: { name: 'Chromium', pkg: 'chromium', command: '/usr/bin/chromium', args: ['--version'] },
  // Hanazono Mincho A, the PDF's last CJK fallback face (src/pdf/font-keys.ts): a file, not a command.
  hanazono: { name: 'Hanazono Mincho', pkg: 'fonts-hanazono', command: 'test', args: ['-f', '/usr/share/fonts/truetype/hanazono/HanaMinA.ttf'] },
} satisfies Record<string, Tool>;

const cache = new Map<string, boolean>();

export function hasTool(tool: Tool): boolean {
  if (!cache.has(tool.name)) {
    const run = spawnSync(tool.command, tool.args, { stdio: 'ignore', timeout: 30_000 });
    cache.set(tool.name, run.status === 0);
  }
  return cache.get(tool.name)!;
}

/**
 * `describe` for tests that need Debian tools. Where a tool is missing the
 * block is skipped with the reason in its name — except under CI=true, where
 * `.ci/run` installs the tools, so a missing one is a failure.
 */
export function describeWithTools(tools: Tool[], name: string, body: () => void): void {
  const missing = tools.filter((t) => !hasTool(t));
  if (missing.length === 0) {
    describe(name, body);
    return;
  }
  const reason = `needs ${missing.map((t) => t.name).join(', ')} (apt-get install ${missing.map((t) => t.pkg).join(' ')})`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it(`has its tools installed`, () => {
        throw new Error(`CI=true but the suite ${reason}`);
      });
    });
    return;
  }
  console.warn(`[skipped] ${name}: ${reason}`);
  describe.skip(`${name} [skipped: ${reason}]`, body);
}
