import { z } from 'zod';
import { BinderyError } from '../errors.ts';
import { licenceLineSchema } from '../stamp/licence-line.ts';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const configSchema = z.object({
  SIGNING_KEY: z.string().min(8, 'SIGNING_KEY must be set (a long random secret)'),
  STRIPE_SECRET_KEY: z.string().min(1, 'STRIPE_SECRET_KEY must be set'),
  STRIPE_WEBHOOK_SECRET: z.string().min(1, 'STRIPE_WEBHOOK_SECRET must be set'),
  STRIPE_API_BASE: z.url().default('https://api.stripe.com'),
  DOWNLOAD_LIMIT: positiveInt(10),
  DOWNLOAD_TTL_SECONDS: positiveInt(86_400),
  /** HTTP mail API (JSON POST {from, to, subject, text}); unset means links are logged instead of mailed. */
  MAIL_API_URL: z.url().optional(),
  MAIL_API_KEY: z.string().optional(),
  MAIL_FROM: z.string().default('Bindery <no-reply@bindery.dev>'),
  /** What the visible licence line of a sold copy shows: `email-and-purchase`, `email`, `name` (with the purchase id) or `purchase`. */
  LICENCE_LINE: licenceLineSchema.default('email-and-purchase'),
});

/** Commerce settings read from the Worker's vars and secrets, validated once per request. */
export type CommerceConfig = z.infer<typeof configSchema>;

export function commerceConfig(env: Record<string, unknown>): CommerceConfig {
  const blankToUndefined = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === '' ? undefined : v]));
  const parsed = configSchema.safeParse(blankToUndefined);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BinderyError('internal', `commerce is misconfigured: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}
