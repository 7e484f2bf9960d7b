import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signStripePayload } from '../commerce/stripe-signature.ts';
import { text } from '../xml.ts';

/**
 * A stand-in for Stripe's Checkout Sessions API, enough for Bindery's
 * checkout: POST /v1/checkout/sessions (form-encoded, Bearer secret key) and
 * GET /v1/checkout/sessions/:id. It answers like Stripe (same field names,
 * `{error: {message}}` on failure) and keeps the form parameters it received
 * so tests can check what was sent (`params`, a stub-only field). Its payment
 * page (`/c/pay/<id>`) takes a test payment with no card: it sends the signed
 * `checkout.session.completed` webhook, as Stripe would, then returns the
 * buyer to the success URL.
 *
 * Used three ways: by `npm start` (local buying without a Stripe account or a
 * network), as a Node HTTP server in end-to-end tests (`startStripeStub`), and
 * as miniflare's `outboundService` for the Worker tests (`stripeStubOutbound`),
 * where requests to https://stripe.test land here.
 */
export class StripeStub {
  readonly sessions = new Map<string, StubSession>();
  /** Where a test payment is reported: the Worker's webhook and its signing secret. */
  webhook?: { url: string; secret: string };
  /** Idempotency-Key → session, as Stripe replays the first answer to a repeated key. */
  private readonly byIdempotencyKey = new Map<string, StubSession>();
  private counter = 0;

  constructor(private readonly base: string) {}

  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const pay = /^\/c\/pay\/([^/]+)$/.exec(url.pathname);
    if (pay) return this.paymentPage(request, decodeURIComponent(pay[1]));
    const auth = request.headers.get('authorization') ?? '';
    if (!/^Bearer \S+$/.test(auth)) return stripeError(401, 'Invalid API Key provided');
    if (request.method === 'POST' && url.pathname === '/v1/checkout/sessions') {
      if (!(request.headers.get('content-type') ?? '').startsWith('application/x-www-form-urlencoded')) {
        return stripeError(400, 'Stripe expects form-encoded parameters');
      }
      const params = Object.fromEntries(new URLSearchParams(await request.text()));
      const key = request.headers.get('idempotency-key');
      const replay = key ? this.byIdempotencyKey.get(key) : undefined;
      if (replay) return Response.json(replay);
      const missing = ['mode', 'success_url', 'line_items[0][price_data][currency]', 'line_items[0][price_data][unit_amount]', 'line_items[0][quantity]'].find(
        (key) => !params[key],
      );
      if (missing) return stripeError(400, `Missing required param: ${missing}.`);
      // Stripe's minimum charge for USD.
      if (params['line_items[0][price_data][currency]'] === 'usd' && Number(params['line_items[0][price_data][unit_amount]']) < 50) {
        return stripeError(400, 'The Checkout Session\'s total amount due must add up to at least $0.50 usd');
      }
      const id = `cs_test_${(++this.counter).toString(36).padStart(4, '0')}${crypto.randomUUID().replace(/-/g, '').slice(0, 24)}`;
      const session: StubSession = {
        id,
        object: 'checkout.session',
        url: `${this.base}/c/pay/${id}`,
        mode: params.mode,
        success_url: params.success_url.replace('{CHECKOUT_SESSION_ID}', id),
        customer_email: params.customer_email ?? null,
        currency: params['line_items[0][price_data][currency]'],
        amount_total: Number(params['line_items[0][price_data][unit_amount]']) * Number(params['line_items[0][quantity]']),
        metadata: { slug: params['metadata[slug]'] },
        payment_status: 'unpaid',
        payment_intent: `pi_test_${id.slice(8)}`,
        params,
      };
      this.sessions.set(id, session);
      if (key) this.byIdempotencyKey.set(key, session);
      return Response.json(session);
    }
    const get = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(url.pathname);
    if (request.method === 'GET' && get) {
      const session = this.sessions.get(decodeURIComponent(get[1]));
      return session ? Response.json(session) : stripeError(404, `No such checkout.session: '${get[1]}'`);
    }
    return stripeError(404, `Unrecognized request URL (${request.method}: ${url.pathname}).`);
  }

  /** The hosted payment page: GET shows the order, POST pays (or cancels) without a card. */
  private async paymentPage(request: Request, id: string): Promise<Response> {
    const session = this.sessions.get(id);
    if (!session) return new Response('No such checkout session', { status: 404 });
    const cancelUrl = session.params.cancel_url ?? session.success_url;
    if (request.method !== 'POST') {
      const title = session.params['line_items[0][price_data][product_data][name]'] ?? session.metadata.slug;
      const amount = `${(session.amount_total / 100).toFixed(2)} ${session.currency.toUpperCase()}`;
      const email = session.customer_email
        ? `<p>Paying as ${text(session.customer_email)}</p>`
        : '<p><label>E-mail <input name="email" type="email" required></label></p>';
      return new Response(
        `<!doctype html><html lang="en"><meta charset="utf-8"><title>Test payment</title>` +
          `<h1>Test payment (local Stripe stand-in)</h1><p>${text(title)}: ${text(amount)}. No card is charged.</p>` +
          `<form method="post">${email}<button name="action" value="pay">Pay</button> <button name="action" value="cancel" formnovalidate>Cancel</button></form></html>`,
        { headers: { 'content-type': 'text/html; charset=utf-8' } },
      );
    }
    const form = new URLSearchParams(await request.text());
    if (form.get('action') === 'cancel') return Response.redirect(cancelUrl, 303);
    const email = session.customer_email ?? form.get('email') ?? '';
    if (!this.webhook) return new Response('This stand-in has no webhook to report the payment to', { status: 503 });
    session.payment_status = 'paid';
    const { params: _params, ...object } = session;
    const body = JSON.stringify({
      id: `evt_local_${crypto.randomUUID().replace(/-/g, '')}`,
      object: 'event',
      type: 'checkout.session.completed',
      data: { object: { ...object, customer_details: { email } } },
    });
    const delivered = await fetch(this.webhook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': await signStripePayload(this.webhook.secret, body) },
      body,
    });
    if (!delivered.ok) return new Response(`The webhook answered ${delivered.status}: ${await delivered.text()}`, { status: 502 });
    return Response.redirect(session.success_url, 303);
  }
}

export interface StubSession {
  id: string;
  object: 'checkout.session';
  url: string;
  mode: string;
  success_url: string;
  customer_email: string | null;
  currency: string;
  amount_total: number;
  metadata: { slug: string };
  payment_status: string;
  payment_intent: string;
  params: Record<string, string>;
}

function stripeError(status: number, message: string): Response {
  return Response.json({ error: { type: 'invalid_request_error', message } }, { status });
}

/** The host Worker tests point STRIPE_API_BASE at. */
export const STRIPE_TEST_BASE = 'https://stripe.test';

const outboundStub = new StripeStub(STRIPE_TEST_BASE);

/** miniflare `outboundService`: requests to stripe.test go to the stub, everything else to the network. */
export async function stripeStubOutbound(request: Request): Promise<Response> {
  if (new URL(request.url).host === new URL(STRIPE_TEST_BASE).host) return outboundStub.handle(request);
  return fetch(request);
}

/** Starts the stub as a real HTTP server on a free local port. */
export async function startStripeStub(): Promise<{ url: string; stub: StripeStub; close: () => Promise<void> }> {
  let stub: StripeStub | undefined;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const request = new Request(new URL(req.url ?? '/', `http://${req.headers.host}`), {
      method: req.method,
      headers: Object.entries(req.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, Array.isArray(v) ? v.join(', ') : v] as [string, string]])),
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
    });
    const response = await stub!.handle(request).catch((err: unknown) => new Response(`Stripe stand-in failed: ${String(err)}`, { status: 500 }));
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stub = new StripeStub(url);
  return { url, stub, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
