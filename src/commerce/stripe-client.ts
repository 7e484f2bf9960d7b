import { z } from 'zod';
import { sha256Hex } from '../crypto.ts';
import { BinderyError } from '../errors.ts';

/** Stripe's form encoding: nested objects and arrays as `a[b][0][c]=…`. */
export function formEncode(params: Record<string, unknown>): string {
  const pairs: [string, string][] = [];
  const walk = (prefix: string, value: unknown) => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) value.forEach((v, i) => walk(`${prefix}[${i}]`, v));
    else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(prefix ? `${prefix}[${k}]` : k, v);
    else pairs.push([prefix, String(value)]);
  };
  walk('', params);
  return new URLSearchParams(pairs).toString();
}

export interface CheckoutRequest {
  slug: string;
  title: string;
  email?: string;
  /** Minor units. */
  unitAmount: number;
  currency: string;
  successUrl: string;
  cancelUrl: string;
  /** Derived from the request: a retried or repeated creation gets Stripe's first answer back, not a second session. */
  idempotencyKey: string;
}

const sessionSchema = z.object({ id: z.string().min(1), url: z.url() });
const stripeErrorSchema = z.object({ error: z.object({ message: z.string() }) });

/** The few Stripe REST calls Bindery makes, with `fetch` (works in Workers and Node alike). */
export class StripeClient {
  constructor(
    private readonly secretKey: string,
    private readonly apiBase: string,
  ) {}

  /** Creates a hosted Checkout Session for one book; the webhook later turns its completion into an order. */
  async createCheckoutSession(req: CheckoutRequest): Promise<{ id: string; url: string }> {
    const body = {
      mode: 'payment',
      success_url: req.successUrl,
      cancel_url: req.cancelUrl,
      customer_email: req.email,
      client_reference_id: req.slug,
      metadata: { slug: req.slug },
      payment_intent_data: { metadata: { slug: req.slug } },
      line_items: [
        {
          quantity: 1,
          price_data: { currency: req.currency.toLowerCase(), unit_amount: req.unitAmount, product_data: { name: req.title, metadata: { slug: req.slug } } },
        },
      ],
    };
    return sessionSchema.parse(await this.post('/v1/checkout/sessions', body, req.idempotencyKey));
  }

  /** POSTs with an Idempotency-Key, retrying once on a network error or a 5xx/429: the key makes the retry safe. */
  private async post(path: string, params: Record<string, unknown>, idempotencyKey: string): Promise<unknown> {
    // Hashed: the key is built from a browser's secret nonce and an address, which Stripe's logs need not hold.
    const key = await sha256Hex(idempotencyKey);
    const attempt = () =>
      fetch(new URL(path, this.apiBase), {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.secretKey}`,
          'content-type': 'application/x-www-form-urlencoded',
          'stripe-version': '2024-06-20',
          'idempotency-key': key,
        },
        body: formEncode(params),
      });
    let res: Response;
    try {
      const first = await attempt().catch(() => null);
      res = first && first.status < 500 && first.status !== 429 ? first : await attempt();
    } catch (err) {
      throw new BinderyError('upstream-failed', 'could not reach Stripe; please try again in a moment', {}, { cause: err });
    }
    const json: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const message = stripeErrorSchema.safeParse(json).data?.error.message ?? `HTTP ${res.status}`;
      throw new BinderyError('upstream-failed', `Stripe refused the request: ${message}`);
    }
    return json;
  }
}
