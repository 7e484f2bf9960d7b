import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyLocalMigrations, ensureDevVars, startDevServer, uploadLocalFonts, type DevServer } from './dev-server.ts';
import { processIo } from './io.ts';
import { pushBook } from './push.ts';
import { startStripeStub } from './stripe-stand-in.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * `npm start`: everything a fresh clone needs to serve the sample books on
 * 127.0.0.1 — dev secrets, local migrations, fonts in local R2, `wrangler dev`,
 * and every book in books/ pushed, built and published through the editor API.
 * Ctrl-C (or SIGTERM) stops wrangler and everything it started.
 */
export async function start(): Promise<number> {
  const io = processIo();
  const port = Number(process.env.PORT ?? 8787);
  const options = { root: ROOT };
  const { adminToken, webhookSecret, created } = await ensureDevVars(ROOT);
  io.stdout(created ? `Created .dev.vars with random dev secrets.\n` : `Using secrets from .dev.vars.\n`);
  io.stdout(`Admin token: ${adminToken}\n`);
  io.stdout('Applying local D1 migrations…\n');
  await applyLocalMigrations(options);
  io.stdout('Uploading PDF fonts to local R2…\n');
  await uploadLocalFonts(options);
  // Checkout goes to a local Stripe stand-in: no account, no network, no card; its pay page sends the signed webhook.
  const stripe = await startStripeStub();
  io.stdout(`Starting wrangler dev on 127.0.0.1:${port}…\n`);
  const server = await startDevServer({
    ...options,
    port,
    vars: { STRIPE_API_BASE: stripe.url },
    log: process.env.BINDERY_VERBOSE ? (t) => process.stderr.write(t) : undefined,
  });
  stripe.stub.webhook = { url: `${server.url}/webhooks/stripe`, secret: webhookSecret };
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    await stripe.close();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(130));
  process.on('SIGTERM', () => void shutdown(143));
  server.child.on('exit', (code) => {
    if (!stopping) {
      io.stderr(`wrangler dev stopped (exit ${code}).\n`);
      process.exit(1);
    }
  });

  let published: string[];
  try {
    published = await publishSampleBooks(server, adminToken);
  } catch (error) {
    stopping = true;
    await server.stop();
    await stripe.close();
    throw error;
  }
  io.stdout(`\nBindery is running at ${server.url}\n`);
  io.stdout(`  storefront      ${server.url}/\n`);
  io.stdout(`  public API      ${server.url}/api/v1/books\n`);
  io.stdout(`  OpenAPI         ${server.url}/api/openapi.json\n`);
  io.stdout(`  OPDS catalog    ${server.url}/opds\n`);
  io.stdout(`  editor API      ${server.url}/api/v1/editor/books  (Authorization: Bearer ${adminToken})\n`);
  io.stdout(`  payments        a local Stripe stand-in at ${stripe.url}: buying a book takes a test payment, no card\n`);
  io.stdout(`  library mail    printed in the wrangler log (run with BINDERY_VERBOSE=1 to see it here)\n`);
  for (const slug of published) io.stdout(`  book            ${server.url}/api/v1/books/${slug}\n`);
  io.stdout(`Push another book: node bin/bindery.js push <book-dir> --api ${server.url} --token ${adminToken} --publish\n`);
  io.stdout('Press Ctrl-C to stop.\n');
  return new Promise(() => {});
}

async function publishSampleBooks(server: DevServer, token: string): Promise<string[]> {
  const io = processIo();
  const booksDir = join(ROOT, 'books');
  const published: string[] = [];
  for (const entry of (await readdir(booksDir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const bookDir = join(booksDir, entry.name);
    if (!entry.isDirectory() || !existsSync(join(bookDir, 'book.yaml'))) continue;
    io.stdout(`\n`);
    const result = await pushBook({ bookDir: relative(process.cwd(), bookDir) || '.', api: server.url, token, publish: true, quiet: false }, io);
    if (result.build.status !== 'ready') throw new Error(`${entry.name} did not build; see the error above`);
    published.push(result.slug);
  }
  return published;
}
