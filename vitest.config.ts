import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { STRIPE_TEST_BASE, stripeStubOutbound } from './src/cli/stripe-stand-in.ts';
import { fontObjects } from './src/cli/fonts.ts';

/**
 * Three projects:
 * - unit: pure src/ modules and checks with real tools (EPUBCheck, qpdf, poppler) in Node;
 * - worker: the Worker inside workerd with real local R2, D1 and Queue bindings;
 * - e2e: `wrangler dev` plus the CLI and a real Chromium.
 * The unit project checks EPUBs in one shared EPUBCheck JVM (tests/support/epubcheck-server.ts).
 */
export default defineConfig({
  test: {
    // Vitest's default is one worker less than the cores: one file at a time on a 2-core CI machine, while
    // most files wait on a subprocess (EPUBCheck, Chromium, wrangler, workerd) and leave a core idle.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['./tests/support/epubcheck-server.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        plugins: [
          cloudflareTest(async () => ({
            main: './workers/index.ts',
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              // workerd cannot read node_modules: tests fetch the PDF fonts by R2 key from Node and put them into R2.
              serviceBindings: {
                TEST_FONTS: async (request: Request) => {
                  const font = (await fontObjects()).find((f) => f.key === new URL(request.url).pathname.slice(1));
                  return font ? new Response(await readFile(font.file)) : new Response('unknown font', { status: 404 });
                },
              },
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations('./migrations'),
                ADMIN_TOKEN: 'test-admin-token',
                SIGNING_KEY: 'test-signing-key',
                STRIPE_SECRET_KEY: 'sk_test_bindery',
                STRIPE_WEBHOOK_SECRET: 'whsec_test_bindery',
                STRIPE_API_BASE: STRIPE_TEST_BASE,
                PUBLIC_ORIGIN: 'https://bindery.test',
                TDM_POLICY: 'https://bindery.test/terms/tdm',
              },
              // Tests hand build messages to the consumer themselves (each file's `consume`): the queue's own delivery
              // (wrangler.toml: batches of one, at once) would race them, building or claiming a build while a test
              // stages a crash. Batches of 100 after 60 s never come within a test.
              queueConsumers: {
                'bindery-builds': { maxBatchSize: 100, maxBatchTimeout: 60, maxRetries: 3, deadLetterQueue: 'bindery-builds-dlq' },
                'bindery-builds-dlq': { maxBatchSize: 100, maxBatchTimeout: 60 },
              },
              // Outbound fetches to the Stripe test host are answered by the local stub (src/cli/stripe-stand-in.ts).
              outboundService: stripeStubOutbound,
            },
          })),
        ],
        test: {
          name: 'worker',
          include: ['tests/worker/**/*.test.ts'],
          setupFiles: ['./tests/worker/apply-migrations.ts'],
          testTimeout: 120_000,
          // beforeAll hooks build the fixture book through both writers: seconds on a busy machine.
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          // One wrangler dev with both sample books on sale, shared by the files that only buy and browse.
          globalSetup: ['./tests/support/sample-store.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          // Files run beside the unit and worker files: each starts its own wrangler on a free port with its own
          // state, or uses the shared store with its own buyer address; they mostly wait on wrangler and Chromium.
        },
      },
    ],
  },
});
