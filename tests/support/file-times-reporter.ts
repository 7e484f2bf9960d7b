import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints each test file's wall time, hooks included, from the moment it was
 * queued to its end, with vitest's own split (import, setup files, tests and
 * hooks), slowest first: what to look at when the suite nears its 10-minute
 * CI budget. Vitest's summary and JSON report leave beforeAll hooks out.
 *
 *   npx vitest run --reporter=default --reporter=./tests/support/file-times-reporter.ts
 */
export default class FileTimesReporter implements Reporter {
  private readonly started = Date.now();
  private readonly queued = new Map<string, number>();
  private readonly rows: { file: string; at: number; wall: number; load: number; setup: number; run: number }[] = [];

  onTestModuleQueued(module: TestModule): void {
    this.queued.set(module.moduleId, Date.now());
  }

  onTestModuleEnd(module: TestModule): void {
    const since = this.queued.get(module.moduleId) ?? this.started;
    const { collectDuration, setupDuration, duration } = module.diagnostic();
    this.rows.push({
      file: `${module.project.name} ${module.relativeModuleId}`,
      at: (since - this.started) / 1000,
      wall: (Date.now() - since) / 1000,
      load: collectDuration / 1000,
      setup: setupDuration / 1000,
      run: duration / 1000,
    });
  }

  onTestRunEnd(): void {
    const seconds = (n: number) => n.toFixed(1).padStart(7);
    const lines = this.rows
      .sort((a, b) => b.wall - a.wall)
      .map((r) => `${seconds(r.wall)}${seconds(r.at)}${seconds(r.load)}${seconds(r.setup)}${seconds(r.run)}  ${r.file}`);
    process.stdout.write(
      `\nWall time per file (s): wall, started at, import, setup files, tests and hooks — ${this.rows.length} files in ${((Date.now() - this.started) / 1000).toFixed(1)} s\n${lines.join('\n')}\n`,
    );
  }
}
