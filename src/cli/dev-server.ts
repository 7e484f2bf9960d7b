import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base64url } from '../crypto.ts';
import { fontObjects } from './fonts.ts';

/** The secrets `wrangler dev` reads from `.dev.vars`; random values are fine locally. */
const DEV_SECRETS = ['ADMIN_TOKEN', 'SIGNING_KEY', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'] as const;

/** Local-only wrangler: no Cloudflare account, no telemetry. */
export const WRANGLER_ENV = { CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' } as const;

export interface DevOptions {
  root: string;
  /** `--persist-to` directory; wrangler's default (.wrangler/state) when absent. */
  persistTo?: string;
  log?: (text: string) => void;
}

function wranglerBin(root: string): string {
  return join(root, 'node_modules', '.bin', 'wrangler');
}

/** Runs a wrangler command to completion; rejects with its output when it fails. */
export function wrangler(options: DevOptions, args: string[]): Promise<string> {
  const persist = options.persistTo ? ['--persist-to', options.persistTo] : [];
  return new Promise((resolve, reject) => {
    const child = spawn(wranglerBin(options.root), [...args, ...persist], {
      cwd: options.root,
      env: { ...process.env, ...WRANGLER_ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`wrangler ${args.join(' ')} exited ${code}:\n${output}`))));
  });
}

/**
 * Makes sure `.dev.vars` holds every dev secret, generating random ones that
 * are missing. Returns the admin token and whether it was just created.
 */
export async function ensureDevVars(root: string): Promise<{ adminToken: string; webhookSecret: string; created: boolean }> {
  const path = join(root, '.dev.vars');
  const text = existsSync(path) ? await readFile(path, 'utf8') : '';
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*"?([^"]*)"?\s*$/.exec(line);
    if (match && match[2]) values.set(match[1], match[2]);
  }
  const missing = DEV_SECRETS.filter((k) => !values.get(k));
  if (missing.length) {
    const lines = missing.map((key) => `${key}=${key === 'ADMIN_TOKEN' ? 'bnd_admin_' : 'dev_'}${base64url(crypto.getRandomValues(new Uint8Array(24)))}`);
    await writeFile(path, `${text && !text.endsWith('\n') ? `${text}\n` : text}${lines.join('\n')}\n`, { mode: 0o600 });
    for (const line of lines) values.set(line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1));
  }
  return { adminToken: values.get('ADMIN_TOKEN')!, webhookSecret: values.get('STRIPE_WEBHOOK_SECRET')!, created: missing.includes('ADMIN_TOKEN') };
}

export async function applyLocalMigrations(options: DevOptions): Promise<void> {
  await wrangler(options, ['d1', 'migrations', 'apply', 'DB', '--local']);
}

/**
 * Puts the PDF fonts, fallback faces included, into the local R2 bucket under
 * the keys the consumer reads: one wrangler run for all of them (~5 s), where
 * one run per file took ~4 s each. A face from a Debian package is uploaded,
 * in blocks, when it is installed (fonts-hanazono).
 */
export async function uploadLocalFonts(options: DevOptions): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bindery-fonts-'));
  try {
    const list = join(dir, 'fonts.json');
    await writeFile(list, JSON.stringify(await fontObjects()));
    await wrangler(options, ['r2', 'bulk', 'put', 'bindery-books', '--filename', list, '--local']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface DevServer {
  url: string;
  child: ChildProcess;
  /** Stops wrangler and everything it started (its whole process group). */
  stop(): Promise<void>;
}

/**
 * Starts `wrangler dev` in its own process group (local R2, D1 and Queues)
 * and resolves once /healthz answers. Stopping kills the whole group, so
 * workerd does not outlive it.
 */
export async function startDevServer(
  options: DevOptions & { port: number; timeoutMs?: number; vars?: Record<string, string>; inspectorPort?: number },
): Promise<DevServer> {
  const persist = options.persistTo ? ['--persist-to', options.persistTo] : [];
  const vars = Object.entries(options.vars ?? {}).flatMap(([key, value]) => ['--var', `${key}:${value}`]);
  // Two wrangler devs started at once both take the default devtools port (9229) and the second dies.
  const inspector = options.inspectorPort ? ['--inspector-port', String(options.inspectorPort)] : [];
  const args = ['dev', '--ip', '127.0.0.1', '--port', String(options.port), '--show-interactive-dev-session=false', ...persist, ...inspector, ...vars];
  const child = spawn(wranglerBin(options.root), args, {
    cwd: options.root,
    env: { ...process.env, ...WRANGLER_ENV },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (d: Buffer) => {
    output += d;
    options.log?.(String(d));
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const url = `http://127.0.0.1:${options.port}`;
  const stop = () => stopGroup(child);
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return { url, child, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  await stop();
  throw new Error(`wrangler dev did not answer ${url}/healthz in time:\n${output}`);
}

function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // the group is already gone
      }
    };
    const timer = setTimeout(() => kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    kill('SIGTERM');
  });
}
