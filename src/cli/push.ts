import { parseArgs } from 'node:util';
import { dirname, posix } from 'node:path';
import { ArticleIds } from '../content/article-ids.ts';
import { loadBook, type ChapterSource } from '../content/load.ts';
import type { BookManifest } from '../content/manifest.ts';
import { escapes, MANIFEST, resolveRelative } from '../content/source.ts';
import { parseMarkdown, walkInlines } from '../document/parse.ts';
import { BinderyError } from '../errors.ts';
import type { ApiChapterRef, ApiManifest } from '../catalog/schemas.ts';
import { DirectorySource } from './directory-source.ts';
import { ApiError, EditorClient, type BuildView } from './editor-client.ts';
import { displayPath, processIo, UsageError, type CliIo } from './io.ts';

export const PUSH_USAGE = `Usage: bindery push <book-dir> --api <url> --token <token> [--publish] [--quiet]

Uploads the book's articles (ids <slug>/<file stem>), images and manifest to
the editor API, queues a build, shows its progress, prints the built files and,
with --publish, makes the build the edition on sale.
The token may also come from the BINDERY_TOKEN environment variable.
`;

export interface PushOptions {
  bookDir: string;
  api: string;
  token: string;
  publish: boolean;
  quiet: boolean;
}

export interface PushResult {
  slug: string;
  build: BuildView;
  published: boolean;
}

const POLL_MS = 500;
const BUILD_TIMEOUT_MS = 10 * 60 * 1000;

/** `bindery push`: returns the exit code (0 pushed, 1 rejected or failed build, 2 bad command line). */
export async function runPush(argv: string[], io: CliIo = processIo()): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(PUSH_USAGE);
    return 0;
  }
  let options: PushOptions;
  try {
    options = parsePushArgs(argv, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`bindery push: ${error.message}\n\n${PUSH_USAGE}`);
    return 2;
  }
  try {
    const result = await pushBook(options, io);
    return result.build.status === 'ready' ? 0 : 1;
  } catch (error) {
    if (error instanceof BinderyError) {
      io.stderr(`${locate(io, options.bookDir, error)}\n`);
      return 1;
    }
    throw error;
  }
}

export function parsePushArgs(argv: string[], env: Record<string, string | undefined>): PushOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        api: { type: 'string' },
        token: { type: 'string' },
        publish: { type: 'boolean', default: false },
        quiet: { type: 'boolean', short: 'q', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(`push takes exactly one <book-dir>, got ${positionals.length}`);
  const api = values.api ?? env.BINDERY_API;
  if (!api || !/^https?:\/\//.test(api)) throw new UsageError('--api: expected the Worker URL, e.g. http://127.0.0.1:8787');
  const token = values.token ?? env.BINDERY_TOKEN;
  if (!token) throw new UsageError('--token: expected an editor API token (or set BINDERY_TOKEN)');
  return { bookDir: positionals[0], api, token, publish: values.publish, quiet: values.quiet };
}

/**
 * Uploads a book folder and builds it on the server. A failed build is
 * reported with the local file and line of the article at fault.
 */
export async function pushBook(options: PushOptions, io: CliIo): Promise<PushResult> {
  const say = (text: string) => options.quiet || io.stdout(text);
  const source = new DirectorySource(options.bookDir);
  const book = await loadBook(source);
  const client = new EditorClient(options.api, options.token);
  const ids = ArticleIds.forBookFolder(book.slug, book.chapters.map((c) => c.article.file));
  say(`Pushing ${book.slug} to ${options.api}\n`);

  try {
    let images = 0;
    for (const chapter of book.chapters) {
      const id = ids.id(chapter.article.file)!;
      await client.putArticle(id, (await source.article(chapter.article.file))!.markdown);
      for (const reference of imageReferences(chapter)) {
        const image = await source.read(reference.path);
        if (!image) continue; // the server reports the missing image with its article and line
        await client.putArticleAsset(id, reference.relative, image);
        images++;
      }
    }
    say(`  ${book.chapters.length} articles, ${images} images uploaded\n`);
    await client.putBook(book.slug, poolManifest(book.manifest, book.chapters, ids));
    if (book.manifest.cover) {
      const cover = resolveRelative(MANIFEST, book.manifest.cover)!;
      const bytes = await source.read(cover);
      if (bytes) await client.putBookAsset(book.slug, cover, bytes);
    }
    say(`  manifest uploaded\n`);

    let build = await client.requestBuild(book.slug);
    say(`Build ${build.id} ${build.status === 'ready' ? 'already built for this content' : build.status}\n`);
    build = await waitForBuild(client, build, (b) => say(`  ${b.status} ${Math.round(b.progress * 100)}%\n`));
    if (build.status === 'failed') {
      const err = build.error!;
      io.stderr(`${locate(io, options.bookDir, new BinderyError('build-failed', err.message, { file: err.file, line: err.line, field: err.field }), ids)}\n`);
      return { slug: book.slug, build, published: false };
    }
    say(`Build ${build.id} ready (content ${build.contentHash.slice(0, 12)}):\n`);
    for (const file of build.files) {
      say(`  ${file.format.padEnd(11)} ${formatSize(file.size).padStart(9)}${file.pages ? `  ${file.pages} pages` : ''}  sha256 ${file.sha256.slice(0, 16)}  ${options.api.replace(/\/+$/, '')}${file.href}\n`);
    }
    if (options.publish) {
      await client.publish(book.slug, build.id);
      say(`Published ${book.slug}: build ${build.id} is the edition on sale\n`);
    }
    return { slug: book.slug, build, published: options.publish };
  } catch (error) {
    if (error instanceof ApiError) throw relocate(error.toBinderyError(), ids);
    throw error;
  }
}

async function waitForBuild(client: EditorClient, start: BuildView, report: (b: BuildView) => void): Promise<BuildView> {
  let build = start;
  let shown = -1;
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  while (build.status === 'queued' || build.status === 'building') {
    if (Date.now() > deadline) throw new BinderyError('internal', `build ${build.id} did not finish within ${BUILD_TIMEOUT_MS / 60000} minutes`);
    await new Promise((r) => setTimeout(r, POLL_MS));
    build = await client.build(build.id);
    const step = Math.floor(build.progress * 10);
    if (build.status === 'building' && step !== shown) {
      shown = step;
      report(build);
    }
  }
  return build;
}

/** Local images an article references: their path in the book and the reference relative to the article. */
function imageReferences(chapter: ChapterSource): { path: string; relative: string }[] {
  const { article } = chapter;
  const found = new Map<string, string>();
  walkInlines(parseMarkdown(article.body, article.bodyLine), (node) => {
    if (node.type !== 'image' || /^[a-z][a-z0-9+.-]*:/i.test(node.src)) return;
    const path = resolveRelative(article.file, safeDecode(node.src));
    if (path === null || escapes(path)) return;
    found.set(path, posix.relative(dirname(article.file), path));
  });
  return [...found].map(([path, relative]) => ({ path, relative }));
}

/** The book's manifest as the pool keeps it: chapters name article ids, the cover its path in the book. */
function poolManifest(manifest: BookManifest, chapters: ChapterSource[], ids: ArticleIds): ApiManifest {
  const { slug: _slug, chapters: _files, cover, ...rest } = manifest;
  const refs: ApiChapterRef[] = [];
  for (const chapter of chapters) {
    const id = ids.id(chapter.article.file)!;
    const entry = chapter.sample ? { article: id, sample: true } : id;
    const last = refs[refs.length - 1];
    if (chapter.part && typeof last === 'object' && 'part' in last && last.part === chapter.part) last.chapters.push(entry);
    else refs.push(chapter.part ? { part: chapter.part, chapters: [entry] } : entry);
  }
  return { ...rest, ...(cover ? { cover: resolveRelative(MANIFEST, cover)! } : {}), chapters: refs };
}

/** Server errors name article ids; the author wants the file in the book folder, and the id the server knows. */
function relocate(error: BinderyError, ids: ArticleIds): BinderyError {
  const local = ids.toPath(error.where);
  if (local.file === error.where.file) return error;
  return new BinderyError(error.code, `${error.message} (article ${error.where.file})`, local);
}

function locate(io: CliIo, bookDir: string, error: BinderyError, ids?: ArticleIds): string {
  const located = ids ? relocate(error, ids) : error;
  const file = located.where.file ? displayPath(io, bookDir, located.where.file) : undefined;
  const shown = new BinderyError(located.code, located.message, { ...located.where, file });
  return shown.where.file ? shown.describe() : `bindery push: ${shown.describe()}`;
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
