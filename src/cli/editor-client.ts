import { z } from 'zod';
import { BinderyError, type ErrorCode } from '../errors.ts';

/** A problem+json answer from the editor API, kept whole so the CLI can point at the article and line. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly problem: { type?: string; detail?: string; file?: string; line?: number; field?: string; code?: string },
  ) {
    super(problem.detail ?? `HTTP ${status}`);
  }

  /** As a BinderyError, so the CLI prints it like its own errors. */
  toBinderyError(): BinderyError {
    const code = (this.problem.code ?? this.problem.type?.split('/').pop() ?? 'build-failed') as ErrorCode;
    const message = this.problem.file ? stripLocation(this.message, this.problem.file) : this.message;
    return new BinderyError(code, message, { file: this.problem.file, line: this.problem.line, field: this.problem.field });
  }
}

/** The server's detail starts with `file:line: `; the CLI reprints the location with the local path. */
function stripLocation(detail: string, file: string): string {
  return detail.startsWith(`${file}:`) || detail.startsWith(`${file} `) ? detail.replace(/^[^:]+(:\d+)?: /, '') : detail;
}

export const buildSchema = z.object({
  id: z.string(),
  book: z.string(),
  status: z.enum(['queued', 'building', 'ready', 'failed']),
  progress: z.number(),
  contentHash: z.string(),
  error: z.object({ code: z.string(), message: z.string(), file: z.string().optional(), line: z.number().optional(), field: z.string().optional() }).nullable(),
  files: z.array(z.object({ format: z.string(), size: z.number(), sha256: z.string(), pages: z.number().nullable(), href: z.string() })),
});
export type BuildView = z.infer<typeof buildSchema>;

/** The editor API over fetch, as `bindery push` and `npm start` use it. */
export class EditorClient {
  private readonly base: string;

  constructor(
    api: string,
    private readonly token: string,
  ) {
    this.base = api.replace(/\/+$/, '');
  }

  putArticle(id: string, markdown: string): Promise<unknown> {
    return this.send('PUT', `/api/v1/articles/${encodeURIComponent(id)}`, markdown, 'text/markdown; charset=utf-8');
  }

  putArticleAsset(id: string, path: string, bytes: Uint8Array): Promise<unknown> {
    return this.send('PUT', `/api/v1/articles/${encodeURIComponent(id)}/assets/${encodeURIComponent(path)}`, bytes, 'application/octet-stream');
  }

  putBook(slug: string, manifest: unknown): Promise<unknown> {
    return this.send('PUT', `/api/v1/books/${slug}`, JSON.stringify(manifest), 'application/json');
  }

  putBookAsset(slug: string, path: string, bytes: Uint8Array): Promise<unknown> {
    return this.send('PUT', `/api/v1/books/${slug}/assets/${encodeURIComponent(path)}`, bytes, 'application/octet-stream');
  }

  async requestBuild(slug: string): Promise<BuildView> {
    return buildSchema.parse(await this.send('POST', `/api/v1/books/${slug}/builds`));
  }

  async build(id: string): Promise<BuildView> {
    return buildSchema.parse(await this.send('GET', `/api/v1/builds/${encodeURIComponent(id)}`));
  }

  publish(slug: string, buildId: string): Promise<unknown> {
    return this.send('POST', `/api/v1/books/${slug}/publish`, JSON.stringify({ buildId }), 'application/json');
  }

  private async send(method: string, path: string, body?: string | Uint8Array, contentType?: string): Promise<unknown> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json' };
    if (contentType) headers['content-type'] = contentType;
    let res: Response;
    try {
      // Node's fetch takes bytes as they are; the Workers typings in this project do not list Uint8Array as BodyInit.
      res = await fetch(`${this.base}${path}`, { method, headers, body: body as BodyInit | undefined });
    } catch (error) {
      throw new BinderyError('internal', `cannot reach ${this.base}: ${(error as Error).cause ?? (error as Error).message}`);
    }
    const text = await res.text();
    const parsed = text ? safeJson(text) : null;
    if (!res.ok) {
      const problem = parsed && typeof parsed === 'object' ? (parsed as ApiError['problem']) : { detail: text.slice(0, 200) };
      throw new ApiError(res.status, { ...problem, detail: problem.detail ?? `${method} ${path}: HTTP ${res.status}` });
    }
    return parsed;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text.slice(0, 200) };
  }
}
