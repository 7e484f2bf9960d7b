import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { BinderyError } from '../errors.ts';
import { FORMAT_REGISTRY, formatOfBytes } from '../formats/registry.ts';
import { ApiError } from './editor-client.ts';
import { UsageError, type CliIo } from './io.ts';

export const VERIFY_USAGE = `Usage: bindery verify <file> --api <url> --token <token> [--json]

Asks the store which purchases a leaked EPUB, PDF or pasted excerpt (.txt) was
sold with, and which marks (metadata, invisible text, printed line) carried them.
The token needs the admin scope; it may also come from BINDERY_TOKEN, the URL from BINDERY_API.
Exit code: 0 purchases found, 1 no mark found (or an error).
`;

export interface VerifyOptions {
  file: string;
  api: string;
  token: string;
  json: boolean;
}

const verificationSchema = z.object({
  kind: z.string(),
  purchases: z.array(
    z.object({
      purchaseId: z.string(),
      bookSlug: z.string(),
      email: z.string(),
      purchasedAt: z.string(),
      layers: z.array(z.string()),
      textPlaces: z.number(),
      /** Absent from a store that predates the layout layer. */
      layoutLines: z.number().optional(),
      /** Absent from a store that predates keyed marks. */
      unkeyedLayers: z.array(z.string()).optional(),
      confidence: z.string(),
      editions: z.array(z.object({ buildId: z.string(), format: z.string(), stampedAt: z.string() })),
    }),
  ),
  unknownPurchaseIds: z.array(z.string()),
});
export type Verification = z.infer<typeof verificationSchema>;

export function parseVerifyArgs(argv: string[], env: Record<string, string | undefined>): VerifyOptions {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { api: { type: 'string' }, token: { type: 'string' }, json: { type: 'boolean', default: false } } });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(`verify takes exactly one <file>, got ${positionals.length}`);
  const api = values.api ?? env.BINDERY_API;
  if (!api || !/^https?:\/\//.test(api)) throw new UsageError('--api: expected the Worker URL, e.g. http://127.0.0.1:8787');
  const token = values.token ?? env.BINDERY_TOKEN;
  if (!token) throw new UsageError('--token: expected an admin API token (or set BINDERY_TOKEN)');
  return { file: positionals[0], api, token, json: values.json };
}

/** What the file is sent as: its format's media type when its first bytes say so, pasted text for .txt/.md, else raw bytes (the server says what it is not). */
function contentType(file: string, bytes: Uint8Array): string {
  const format = formatOfBytes(bytes);
  if (format) return FORMAT_REGISTRY[format].mediaType;
  return /^\.(txt|md|text)$/i.test(extname(file)) ? 'text/plain; charset=utf-8' : 'application/octet-stream';
}

/** Sends the file to POST /api/v1/verify; null when the store found no mark (404). */
export async function verifyFile(options: VerifyOptions, io: CliIo): Promise<Verification | null> {
  const path = resolve(io.cwd, options.file);
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new BinderyError('missing-file', `cannot read ${options.file}: ${error.code ?? error.message}`, { file: options.file });
  });
  const base = options.api.replace(/\/+$/, '');
  let res: Response;
  try {
    res = await fetch(`${base}/api/v1/verify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token}`, accept: 'application/json', 'content-type': contentType(options.file, bytes) },
      body: bytes,
    });
  } catch (error) {
    throw new BinderyError('internal', `cannot reach ${base}: ${(error as Error).cause ?? (error as Error).message}`);
  }
  const body: unknown = await res.json().catch(() => null);
  if (res.status === 404) return null;
  if (!res.ok) {
    const problem = body && typeof body === 'object' ? (body as ApiError['problem']) : {};
    throw new ApiError(res.status, { ...problem, detail: problem.detail ?? `POST /api/v1/verify: HTTP ${res.status}`, file: options.file }).toBinderyError();
  }
  return verificationSchema.parse(body);
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** `bindery verify`: prints each purchase found, one block per purchase. */
export async function runVerify(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(VERIFY_USAGE);
    return 0;
  }
  const options = parseVerifyArgs(argv, io.env);
  const found = await verifyFile(options, io);
  if (!found) {
    io.stderr(`${options.file}: no mark found\n`);
    return 1;
  }
  if (options.json) {
    io.stdout(`${JSON.stringify(found, null, 2)}\n`);
    return 0;
  }
  io.stdout(`${options.file} (${found.kind}): ${plural(found.purchases.length, 'purchase')} found\n`);
  for (const p of found.purchases) {
    io.stdout(`  ${p.purchaseId}  ${p.bookSlug}  bought ${p.purchasedAt.slice(0, 10)} by ${p.email}\n`);
    const counts = [p.textPlaces ? `text in ${plural(p.textPlaces, 'place')}` : '', p.layoutLines ? `layout in ${plural(p.layoutLines, 'line')}` : ''].filter(Boolean).join(', ');
    const unkeyed = p.unkeyedLayers?.length ? ` (${p.unkeyedLayers.join(' and ')} in the older unkeyed code, which anyone who saw the purchase id could have written)` : '';
    io.stdout(`    marks: ${p.layers.join(', ')}${counts ? ` (${counts})` : ''}; confidence ${p.confidence}${unkeyed}\n`);
    for (const e of p.editions) io.stdout(`    stamped ${e.format} of build ${e.buildId} on ${e.stampedAt.slice(0, 10)}\n`);
  }
  if (found.unknownPurchaseIds.length) io.stdout(`  also marked, unknown here: ${found.unknownPurchaseIds.join(', ')}\n`);
  return 0;
}
