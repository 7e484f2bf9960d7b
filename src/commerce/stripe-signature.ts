import { BinderyError } from '../errors.ts';
import { hmacSha256, timingSafeEqual, toHex, utf8 } from '../crypto.ts';

/** Stripe's default: a signed timestamp older (or newer) than five minutes is refused, which bounds replays. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** Stripe's v1 scheme: hex HMAC-SHA256 of `<t>.<raw body>` under the endpoint's signing secret. */
export async function stripeSignature(secret: string, timestamp: number, rawBody: string): Promise<string> {
  return toHex(await hmacSha256(secret, `${timestamp}.${rawBody}`));
}

/** A `Stripe-Signature` header for `rawBody`, as Stripe sends it: for tests, the stub and local tooling. */
export async function signStripePayload(secret: string, rawBody: string, timestamp = Math.floor(Date.now() / 1000)): Promise<string> {
  return `t=${timestamp},v1=${await stripeSignature(secret, timestamp, rawBody)}`;
}

/**
 * Verifies a `Stripe-Signature` header exactly as Stripe specifies: any of
 * the `v1` signatures may match (several during secret rotation), compared in
 * constant time, and `t` must be within the tolerance of now.
 *
 * @throws BinderyError('invalid-input') saying what is wrong, for a 400.
 */
export async function verifyStripeSignature(
  rawBody: string,
  header: string | null | undefined,
  secret: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<void> {
  if (!header) throw new BinderyError('invalid-input', 'missing Stripe-Signature header', { field: 'Stripe-Signature' });
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d+$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) candidates.push(value);
  }
  if (timestamp === undefined || candidates.length === 0) {
    throw new BinderyError('invalid-input', 'malformed Stripe-Signature header: expected t=<timestamp> and v1=<signature>', { field: 'Stripe-Signature' });
  }
  if (Math.abs(nowSeconds - timestamp) > SIGNATURE_TOLERANCE_SECONDS) {
    throw new BinderyError('invalid-input', 'Stripe-Signature timestamp is outside the 5-minute tolerance', { field: 'Stripe-Signature' });
  }
  const expected = utf8(await stripeSignature(secret, timestamp, rawBody));
  let matched = false;
  for (const candidate of candidates) matched = timingSafeEqual(expected, utf8(candidate)) || matched;
  if (!matched) throw new BinderyError('invalid-input', 'no Stripe-Signature v1 signature matches this payload', { field: 'Stripe-Signature' });
}
