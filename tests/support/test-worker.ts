import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyLocalMigrations, startDevServer, uploadLocalFonts, type DevServer } from '../../src/cli/dev-server.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface TestWorker {
  url: string;
  /** Stops wrangler's process group and removes the local state. */
  stop(): Promise<void>;
}

/**
 * `wrangler dev` on a free port with its own throw-away state: migrations
 * applied, PDF fonts in local R2, random secrets (so nothing depends on a
 * `.dev.vars` in the checkout) overridden by `vars`, passed as `--var`.
 */
export async function startTestWorker(name: string, vars: Record<string, string>): Promise<TestWorker> {
  const secret = (prefix: string) => `${prefix}${randomBytes(24).toString('hex')}`;
  const allVars = {
    ADMIN_TOKEN: secret('bnd_e2e_'),
    SIGNING_KEY: secret(''),
    STRIPE_SECRET_KEY: secret('sk_test_'),
    STRIPE_WEBHOOK_SECRET: secret('whsec_'),
    ...vars,
  };
  const persistTo = await mkdtemp(join(tmpdir(), `bindery-${name}-`));
  const options = { root: ROOT, persistTo };
  let server: DevServer | undefined;
  const stop = async () => {
    await server?.stop();
    await rm(persistTo, { recursive: true, force: true });
  };
  try {
    await applyLocalMigrations(options);
    await uploadLocalFonts(options);
    // Test workers start side by side (e2e files run in parallel): each gets its own devtools port too.
    server = await startDevServer({ ...options, port: await freePort(), inspectorPort: await freePort(), vars: allVars });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: server.url, stop };
}
