import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeStub } from '../../../src/cli/stripe-stand-in.ts';
import { verifyStripeSignature } from '../../../src/commerce/stripe-signature.ts';

const SECRET = 'whsec_local_test';
const received: { body: string; signature: string }[] = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    received.push({ body, signature: String(req.headers['stripe-signature']) });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
  });
});
let stripe: Awaited<ReturnType<typeof startStripeStub>>;

beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  stripe = await startStripeStub();
  stripe.stub.webhook = { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/stripe`, secret: SECRET };
});

afterAll(async () => {
  await stripe.close();
  await new Promise((resolve) => receiver.close(resolve));
});

async function createSession(email?: string): Promise<{ id: string; url: string }> {
  const params = new URLSearchParams({
    mode: 'payment',
    success_url: 'http://127.0.0.1:8787/checkout/success?session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://127.0.0.1:8787/books/b',
    'metadata[slug]': 'b',
    'line_items[0][quantity]': '1',
    'line_items[0][price_data][currency]': 'twd',
    'line_items[0][price_data][unit_amount]': '29900',
    'line_items[0][price_data][product_data][name]': '生成式影片工具實戰手冊',
    ...(email ? { customer_email: email } : {}),
  });
  const res = await fetch(`${stripe.url}/v1/checkout/sessions`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk_test_local', 'content-type': 'application/x-www-form-urlencoded' },
    body: params,
  });
  return (await res.json()) as { id: string; url: string };
}

describe('the local Stripe stand-in that npm start runs', () => {
  it('shows a payment page, then reports the payment with a webhook signed as Stripe signs it and returns the buyer', async () => {
    const session = await createSession();
    const page = await (await fetch(session.url)).text();
    expect(page).toContain('生成式影片工具實戰手冊: 299.00 TWD');
    expect(page).toContain('name="email"');

    const paid = await fetch(session.url, { method: 'POST', body: new URLSearchParams({ action: 'pay', email: 'reader@example.com' }), redirect: 'manual' });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(`http://127.0.0.1:8787/checkout/success?session_id=${session.id}`);

    const delivery = received.at(-1)!;
    await verifyStripeSignature(delivery.body, delivery.signature, SECRET); // throws on a bad signature
    expect(JSON.parse(delivery.body)).toMatchObject({
      type: 'checkout.session.completed',
      data: { object: { id: session.id, payment_status: 'paid', amount_total: 29900, currency: 'twd', metadata: { slug: 'b' }, customer_details: { email: 'reader@example.com' } } },
    });
    expect(delivery.body).not.toContain('"params"');
  });

  it('sends a buyer who cancels back to the book without reporting a payment', async () => {
    const session = await createSession('reader@example.com');
    const before = received.length;
    const cancelled = await fetch(session.url, { method: 'POST', body: new URLSearchParams({ action: 'cancel' }), redirect: 'manual' });
    expect(cancelled.status).toBe(303);
    expect(cancelled.headers.get('location')).toBe('http://127.0.0.1:8787/books/b');
    expect(received.length).toBe(before);
  });
});
