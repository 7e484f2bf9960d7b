import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureDevVars } from '../src/cli/dev-server.ts';
import { processIo } from '../src/cli/io.ts';
import { pushBook } from '../src/cli/push.ts';
import { ROOT, startTestWorker } from '../tests/support/test-worker.ts';
import { median } from './child.ts';

/**
 * HTTP throughput of the Worker under `wrangler dev` (the same server `npm
 * start` runs), measured with wrk (8 connections, 2 threads, loopback): a
 * buyer's gated download (`/download/<token>`: link, entitlement, limit, the
 * stamped copy from R2) against the same book's unstamped file read through
 * the editor route, as a ratio, then the catalog JSON, OPDS and a book page.
 *
 * By default the bench starts its own `wrangler dev` on a free port with
 * throw-away state and pushes one sample book. `BINDERY_URL=http://127.0.0.1:8787`
 * measures a running `npm start` instead (its admin token is read from .dev.vars).
 */

const SLUG = 'remote-newsroom-playbook';
const CONNECTIONS = 8;
/** The download and the plain read alternate, so a neighbour's load on the shared cores hits both alike. */
const ROUNDS = 5;
const SECONDS = 5;

interface WrkResult {
  requestsPerSecond: number;
  /** Responses that were not 2xx/3xx: a bench of refusals would measure nothing. */
  failed: number;
  latencyMs: number;
}

export async function runHttpBench(): Promise<void> {
  const wrk = await wrkVersion();
  if (!wrk) {
    console.log('\nHTTP: skipped — wrk is not installed (Debian: apt-get install wrk)');
    return;
  }
  console.log(`\nHTTP throughput, ${wrk}, ${CONNECTIONS} connections, loopback, wrangler dev (requests/s)`);
  const server = await serverToMeasure();
  try {
    const { downloadUrl, plainUrl, stampedBytes, plainBytes } = await prepareBook(server.url, server.adminToken);
    console.log(`  ${SLUG} PDF: stamped copy ${kb(stampedBytes)}, unstamped ${kb(plainBytes)}`);
    const ratios: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const gated = await runWrk(downloadUrl);
      const plain = await runWrk(plainUrl, { authorization: `Bearer ${server.adminToken}` });
      ratios.push(gated.requestsPerSecond / plain.requestsPerSecond);
      console.log(
        `  round ${round}: gated download ${rate(gated)} · plain editor read ${rate(plain)} → ${ratios.at(-1)!.toFixed(2)}×`,
      );
    }
    console.log(`  gated / plain: median ${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}×; goal ≥ 0.9×)`);
    for (const [label, path] of [
      ['catalog JSON /api/v1/books', '/api/v1/books'],
      ['OPDS 2.0 /opds/publications', '/opds/publications'],
      ['OPDS 1.2 /opds/v1.2/catalog.xml', '/opds/v1.2/catalog.xml'],
      [`book page /books/${SLUG}`, `/books/${SLUG}`],
    ] as const) {
      console.log(`  ${label}: ${rate(await runWrk(`${server.url}${path}`))}`);
    }
  } finally {
    await server.stop();
  }
}

const kb = (bytes: number) => `${Math.round(bytes / 1024)} KB`;
const rate = (r: WrkResult) => `${r.requestsPerSecond.toFixed(0)}/s (${r.latencyMs.toFixed(1)} ms avg)`;

async function wrkVersion(): Promise<string | null> {
  try {
    await promisify(execFile)('wrk', ['--version']);
  } catch (error) {
    // wrk prints its version and exits 1 when asked for it.
    const output = String((error as { stdout?: string }).stdout ?? '');
    const match = /^wrk \S+/.exec(output);
    if (match) return match[0];
  }
  return null;
}

async function runWrk(url: string, headers: Record<string, string> = {}): Promise<WrkResult> {
  // A generous timeout: on a loaded machine a slow response is still a response, not an error to leave out of the rate.
  const args = ['-t2', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--timeout', '10s', ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]), url];
  const { stdout } = await promisify(execFile)('wrk', args);
  const number = (pattern: RegExp) => Number(pattern.exec(stdout)?.[1] ?? NaN);
  const latency = /Latency\s+([\d.]+)(us|ms|s)/.exec(stdout);
  const result = {
    requestsPerSecond: number(/Requests\/sec:\s+([\d.]+)/),
    failed: number(/Non-2xx or 3xx responses:\s+(\d+)/) || 0,
    latencyMs: latency ? Number(latency[1]) * ({ us: 0.001, ms: 1, s: 1000 } as const)[latency[2] as 'us' | 'ms' | 's'] : NaN,
  };
  if (result.failed > 0 || !Number.isFinite(result.requestsPerSecond)) {
    throw new Error(`wrk ${url}: ${result.failed} responses were not 2xx/3xx; the figure would not measure the route\n${stdout}`);
  }
  return result;
}

interface MeasuredServer {
  url: string;
  adminToken: string;
  stop(): Promise<void>;
}

/** A running `npm start` named by BINDERY_URL, or a wrangler dev of our own with throw-away state (the e2e tests' start-up). */
async function serverToMeasure(): Promise<MeasuredServer> {
  if (process.env.BINDERY_URL) {
    const { adminToken } = await ensureDevVars(ROOT);
    return { url: process.env.BINDERY_URL.replace(/\/$/, ''), adminToken, stop: async () => {} };
  }
  const adminToken = `bnd_bench_${randomBytes(16).toString('hex')}`;
  const worker = await startTestWorker('bench-http', { ADMIN_TOKEN: adminToken });
  return { url: worker.url, adminToken, stop: worker.stop };
}

/**
 * Publishes the sample book, grants it to a reader and opens their library:
 * the PDF download link, and the editor route to the same build's unstamped
 * PDF. The first download (which stamps the copy) happens here, outside the timing.
 */
async function prepareBook(url: string, adminToken: string) {
  const pushed = await pushBook({ bookDir: join(ROOT, 'books', SLUG), api: url, token: adminToken, publish: true, quiet: true }, processIo());
  if (pushed.build.status !== 'ready') throw new Error(`${SLUG} did not build`);
  const grant = await fetch(`${url}/api/v1/grants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email: `bench-${randomBytes(4).toString('hex')}@example.com`, slug: SLUG }),
  });
  if (grant.status !== 201) throw new Error(`grant: ${grant.status} ${await grant.text()}`);
  const { libraryUrl } = (await grant.json()) as { libraryUrl: string };
  const library = (await (await fetch(libraryUrl, { headers: { accept: 'application/json' } })).json()) as {
    items: { slug: string; downloads: { format: string; url: string }[] }[];
  };
  const downloadUrl = library.items.find((i) => i.slug === SLUG)?.downloads.find((d) => d.format === 'pdf')?.url;
  if (!downloadUrl) throw new Error(`the library has no PDF download for ${SLUG}`);
  const first = await fetch(downloadUrl);
  if (first.status !== 200) throw new Error(`first download: ${first.status} ${await first.text()}`);
  const stampedBytes = (await first.arrayBuffer()).byteLength;
  const plainUrl = `${url}/api/v1/builds/${pushed.build.id}/files/pdf`;
  const plain = await fetch(plainUrl, { headers: { authorization: `Bearer ${adminToken}` } });
  if (plain.status !== 200) throw new Error(`editor read: ${plain.status} ${await plain.text()}`);
  return { downloadUrl, plainUrl, stampedBytes, plainBytes: (await plain.arrayBuffer()).byteLength };
}
