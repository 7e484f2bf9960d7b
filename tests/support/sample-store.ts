import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import type { TestProject } from 'vitest/node';
import { startStripeStub } from '../../src/cli/stripe-stand-in.ts';
import { ROOT, startTestWorker } from './test-worker.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where `openSampleStore` asks the run's one sample store for its address and secrets. */
    sampleStoreControl: string;
  }
}

/** The two sample handbooks, pushed and published once per run. */
export const SAMPLE_BOOKS = ['books/remote-newsroom-playbook', 'books/ai-video-handbook'] as const;

export interface SampleStore {
  /** `wrangler dev`, with both sample books built and on sale. */
  url: string;
  adminToken: string;
  /** The Stripe stand-in the Worker checks out through; its payment page reports payments to the Worker's webhook. */
  stripeUrl: string;
  stripeSecretKey: string;
}

/**
 * The store the storefront and accessibility e2e files browse and buy from:
 * one `wrangler dev` and one Stripe stand-in per test run (a vitest
 * globalSetup), with both sample books pushed and published once, where each
 * file used to start its own and build the same books again (a wrangler start
 * and a build of both books cost about a minute of a 2-core machine). Nothing
 * starts until a file asks (`openSampleStore`), so a run without these files
 * pays nothing. Files share only the published books: each buys with its own
 * e-mail address. Files that download stamped copies (commerce.test.ts) keep
 * their own wrangler: stamping holds workerd's one thread for seconds, long
 * enough to time out another file's page load.
 */
export default async function startSampleStoreControl(project: TestProject): Promise<() => Promise<void>> {
  let store: Promise<Awaited<ReturnType<typeof openStore>> | void> | undefined;
  let state: { ready?: SampleStore; error?: string } = {};
  // Answers at once, starting the store on the first request; files poll (a start can outlast an HTTP timeout).
  const server = createServer((_req, res) => {
    store ??= openStore().then(
      (opened) => ((state = { ready: opened.store }), opened),
      (error: unknown) => void (state = { error: error instanceof Error ? error.message : String(error) }),
    );
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(state));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  project.provide('sampleStoreControl', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return async () => {
    await new Promise((resolve) => server.close(resolve));
    await (await store)?.stop();
  };
}

async function openStore(): Promise<{ store: SampleStore; stop: () => Promise<void> }> {
  const adminToken = `bnd_e2e_${randomBytes(16).toString('hex')}`;
  const webhookSecret = `whsec_e2e_${randomBytes(12).toString('hex')}`;
  // The stand-in wants an `sk_test_` key, as Stripe's test mode does.
  const stripeSecretKey = 'sk_test_bindery_e2e';
  const stripe = await startStripeStub();
  const worker = await startTestWorker('sample-store', {
    ADMIN_TOKEN: adminToken,
    STRIPE_API_BASE: stripe.url,
    STRIPE_SECRET_KEY: stripeSecretKey,
    STRIPE_WEBHOOK_SECRET: webhookSecret,
  }).catch(async (error: unknown) => {
    await stripe.close();
    throw error;
  });
  const stop = async () => {
    await worker.stop();
    await stripe.close();
  };
  try {
    stripe.stub.webhook = { url: `${worker.url}/webhooks/stripe`, secret: webhookSecret };
    for (const book of SAMPLE_BOOKS) {
      // Building both books' EPUB and PDF in wrangler dev's queue takes minutes on a busy 2-core machine.
      await promisify(execFile)(process.execPath, ['bin/bindery.js', 'push', book, '--api', worker.url, '--token', adminToken, '--publish', '--quiet'], {
        cwd: ROOT,
        timeout: 480_000,
      });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { store: { url: worker.url, adminToken, stripeUrl: stripe.url, stripeSecretKey }, stop };
}

/** The run's sample store, started by the first file that asks (it can take minutes); rejects with why it could not start. */
export async function openSampleStore(): Promise<SampleStore> {
  for (const deadline = Date.now() + 900_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
    const state = (await (await fetch(inject('sampleStoreControl'), { method: 'POST' })).json()) as { ready?: SampleStore; error?: string };
    if (state.error) throw new Error(`the sample store could not start: ${state.error}`);
    if (state.ready) return state.ready;
  }
  throw new Error('the sample store did not start in 15 minutes');
}

/** A checkout session as the Stripe stand-in keeps it (form parameters included), read back as Stripe's API would give it. */
export async function stripeSession(store: SampleStore, id: string): Promise<Record<string, any>> {
  const res = await fetch(`${store.stripeUrl}/v1/checkout/sessions/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${store.stripeSecretKey}` } });
  if (!res.ok) throw new Error(`no checkout session ${id}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, any>;
}
