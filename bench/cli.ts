import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mb, median } from './child.ts';
import { hasPandoc } from './epub.ts';
import { syntheticBook, syntheticMarkdown } from './synthetic.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 5);
const TIME = '/usr/bin/time';

interface Case {
  label: string;
  args: string[];
  /** Runs this command instead of `node` (pandoc). */
  command?: string;
  env?: Record<string, string>;
}

interface Timing {
  wallMs: number[];
  /** User + system CPU time and peak resident set of the whole process, from GNU time (empty without /usr/bin/time). */
  cpuMs: number[];
  rss: number[];
}

/**
 * Whole-process CLI figures, as a user times them (CPU time beside wall time:
 * on a busy machine it is the steadier of the two): `bin/bindery.js …` run as a program
 * from start to exit (Node's own start-up included), against `node -e 0`
 * as the floor. The bundle is rebuilt first, so the figures are those of the
 * sources as they are. `BINDERY_CLI=<path to a bin/bindery.js>` measures
 * another checkout instead (e.g. `git worktree add /tmp/old <rev>`), with the
 * same books and the same harness.
 */
export async function runCliBench(): Promise<void> {
  const bin = process.env.BINDERY_CLI ?? join(ROOT, 'bin/bindery.js');
  if (!process.env.BINDERY_CLI) {
    const built = spawnSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`npm run build:cli failed: ${built.stderr}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'bindery-bench-cli-'));
  try {
    const synthetic = writeSyntheticBook(join(dir, 'synthetic'));
    const sample = join(ROOT, 'books/ai-video-handbook');
    const out = join(dir, 'out');
    const cases: Case[] = [
      { label: 'node -e 0 (start-up floor)', args: [] },
      // The bin runs as a program, as `bindery` and npx run it: its shebang's Node flags apply.
      { label: 'bindery --help', command: bin, args: ['--help'] },
      { label: 'build sample book --format epub', command: bin, args: ['build', sample, '--format', 'epub', '--out', out, '--quiet'] },
      { label: 'build sample book --format pdf', command: bin, args: ['build', sample, '--format', 'pdf', '--out', out, '--quiet'] },
      { label: 'build 100-chapter book --format epub', command: bin, args: ['build', synthetic, '--format', 'epub', '--out', out, '--quiet'] },
      // A first run (or BINDERY_CACHE_DIR= ): the bundle compiled from source, no code cache read or written.
      { label: '… without the code cache', command: bin, args: ['build', synthetic, '--format', 'epub', '--out', out, '--quiet'], env: { BINDERY_CACHE_DIR: '' } },
      { label: 'build 100-chapter book --format pdf', command: bin, args: ['build', synthetic, '--format', 'pdf', '--out', out, '--quiet'] },
    ];
    if (hasPandoc()) {
      const markdown = join(dir, 'book.md');
      writeFileSync(markdown, syntheticMarkdown());
      cases.push({ label: 'pandoc 100-chapter book.md -o book.epub', command: 'pandoc', args: [markdown, '-o', join(dir, 'pandoc.epub')] });
    }
    console.log(`CLI, whole process (${bin.replace(ROOT, '')}; wall time median and fastest of ${RUNS}; CPU user+system and peak RSS, medians)`);
    const walls = new Map<string, number>();
    for (const c of cases) {
      const t = timeProcess(c.args.length ? c.args : ['-e', '0'], c.command, c.env);
      walls.set(c.label, median(t.wallMs));
      const rss = t.rss.length ? `, CPU ${median(t.cpuMs).toFixed(0)} ms, peak RSS ${mb(median(t.rss))}` : '';
      console.log(`      ${c.label.padEnd(40)} ${median(t.wallMs).toFixed(0).padStart(5)} ms (fastest ${Math.min(...t.wallMs).toFixed(0)} ms)${rss}`);
    }
    const pandoc = walls.get(cases.at(-1)!.label);
    if (pandoc && cases.at(-1)!.command) {
      const epub = walls.get('build 100-chapter book --format epub')!;
      console.log(`      bindery build --format epub / pandoc = ${(epub / pandoc).toFixed(2)} (goal ≤ 0.25; without the code cache ${(walls.get('… without the code cache')! / pandoc).toFixed(2)})`);
    } else console.log('      pandoc not installed (apt-get install pandoc): whole-process comparison skipped');
    console.log(`      bindery --help = ${walls.get('bindery --help')!.toFixed(0)} ms (goal ≤ 150), ${(walls.get('bindery --help')! - walls.get('node -e 0 (start-up floor)')!).toFixed(0)} ms above node -e 0`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One warm-up (for bindery it also writes the code cache, as a user's first
 * run does), then RUNS timed runs of `node <args>` (or `command <args>`); a
 * failed run stops the bench with its stderr.
 */
function timeProcess(args: string[], command = process.execPath, env: Record<string, string> = {}): Timing {
  const withTime = existsSync(TIME);
  const timing: Timing = { wallMs: [], cpuMs: [], rss: [] };
  for (let i = 0; i <= RUNS; i++) {
    const argv = withTime ? ['-f', '%M %U %S', command, ...args] : args;
    const start = process.hrtime.bigint();
    const run = spawnSync(withTime ? TIME : command, argv, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, ...env } });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
    if (i === 0) continue;
    timing.wallMs.push(ms);
    if (withTime) {
      const [kb, user, sys] = run.stderr.trim().split('\n').pop()!.split(' ').map(Number);
      timing.rss.push(kb * 1024);
      timing.cpuMs.push((user + sys) * 1000);
    }
  }
  return timing;
}

/** The bench's synthetic zh-Hant book as a folder, the way the CLI reads a book. */
function writeSyntheticBook(dir: string): string {
  const book = syntheticBook();
  mkdirSync(join(dir, 'articles'), { recursive: true });
  writeFileSync(join(dir, 'book.yaml'), book.manifest);
  for (const c of book.chapters) {
    mkdirSync(dirname(join(dir, c.file)), { recursive: true });
    writeFileSync(join(dir, c.file), `---\ntitle: "${c.title}"\n---\n\n${c.body}`);
  }
  return dir;
}
