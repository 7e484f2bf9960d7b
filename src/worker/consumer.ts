import { BuildRepository, type BuildFile, type BuildRecord } from '../catalog/builds.ts';
import { buildFormats, buildMessageSchema, editionFileKey, editionMetaOf, fileFormat, snapshotKey } from '../catalog/editions.ts';
import { BinderyError } from '../errors.ts';
import { FALLBACK_FONT_FILES, fallbackR2Key, FONT_FILES } from '../pdf/font-keys.ts';
import type { BookDocument } from '../document/model.ts';
import { prepareBook, renderDocument, type BuildFacts, type BuildOptions, type BuiltFile } from '../pipeline/build.ts';
import { toHex } from '../crypto.ts';
import { sampleDocument } from '../pipeline/sample.ts';
import { StorageSource, type BookSnapshot } from './storage-source.ts';
import { publishAwaitedRebuild } from './consent-rebuilds.ts';
import { EditionContentRepository } from '../catalog/edition-contents.ts';
import type { Format } from '../formats/registry.ts';
import type { FaceRole, FallbackRole, FontSet } from '../formats/writer.ts';

/** Attempts before an unexpected error (R2 or D1 hiccup) fails the build; content errors fail at once. */
const MAX_ATTEMPTS = 3;
/** Where the queue moves a build message after its retries (wrangler.toml `dead_letter_queue`). */
export const DEAD_LETTER_QUEUE = 'bindery-builds-dlq';
/** Share of the progress bar the full edition takes; the free sample takes the rest. */
const FULL_SHARE = 0.8;

/**
 * The queue consumer: builds each requested edition once. Files go to
 * content-addressed R2 keys first, the D1 rows that point at them after, so a
 * build that dies midway leaves nothing referenced and the published edition
 * untouched. Replayed messages find the build finished and do nothing.
 */
export async function consumeBuilds(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const parsed = buildMessageSchema.safeParse(message.body);
    if (!parsed.success) {
      console.error('dropping malformed build message', message.id);
      message.ack();
      continue;
    }
    try {
      await runBuild(env, parsed.data.buildId);
      message.ack();
    } catch (err) {
      const builds = new BuildRepository(env.DB);
      if (message.attempts < MAX_ATTEMPTS) {
        console.error(`build ${parsed.data.buildId} attempt ${message.attempts} failed; retrying`, err);
        await builds.noteFailedAttempt(parsed.data.buildId, String(err)).catch((noteErr) => console.error('could not record the failed attempt', noteErr));
        message.retry({ delaySeconds: 5 * message.attempts });
      } else {
        await builds.fail(parsed.data.buildId, { code: 'internal', message: `the build failed ${message.attempts} times: ${String(err)}` });
        message.ack();
      }
    }
  }
}

/**
 * The dead-letter queue's consumer: a message lands there when its build
 * crashed the consumer on every attempt (the isolate died, so no attempt
 * could fail the build itself). The build is failed with what is known.
 */
export async function failAbandonedBuilds(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const builds = new BuildRepository(env.DB);
  for (const message of batch.messages) {
    const parsed = buildMessageSchema.safeParse(message.body);
    if (parsed.success) await builds.failGivenUp(parsed.data.buildId);
    else console.error('dropping malformed dead-lettered build message', message.id);
    message.ack();
  }
}

/** Builds one queued build. Content errors mark it failed (with article and line); other errors are thrown for a retry. */
export async function runBuild(env: Env, buildId: string): Promise<void> {
  const builds = new BuildRepository(env.DB);
  const build = await builds.claim(buildId);
  if (!build) return;
  const object = await env.BOOKS.get(snapshotKey(build.bookSlug, build.contentHash));
  if (!object) {
    await builds.fail(build.id, { code: 'internal', message: 'the build input is missing from storage; request the build again' });
    return;
  }
  const snapshot = (await object.json()) as BookSnapshot;
  const source = new StorageSource(snapshot, env.BOOKS);
  try {
    const edition = await buildEdition(env, build, source, progressRecorder(builds, build.id));
    // The articles consent kept out are the edition's changelog.
    const facts = snapshot.removed ? { ...edition.facts, removed: snapshot.removed } : edition.facts;
    await builds.complete(build.id, edition.rows, facts, edition.meta);
  } catch (err) {
    if (!(err instanceof BinderyError)) throw err;
    const error = source.ids.toId(err.toJSON());
    await builds.fail(build.id, error);
    // A withdrawal waiting for this rebuild lists why it never went on sale.
    await new EditionContentRepository(env.DB).settle(build.id, { error });
    return;
  }
  // A rebuild a consent withdrawal queued goes on sale by itself.
  await publishAwaitedRebuild(env.DB, env.BOOKS, build.id, build.bookSlug);
}

/** Renders the full edition and then its sample, storing each file before the next edition is rendered. */
async function buildEdition(env: Env, build: BuildRecord, source: StorageSource, progress: ProgressRecorder) {
  const formats = buildFormats();
  const { document, contentHash } = await prepareBook(source, { formats });
  if (contentHash !== build.contentHash) {
    throw new BinderyError('internal', `the content hash changed between request and build (${build.contentHash} → ${contentHash}); request the build again`);
  }
  const rows: BuildFile[] = [];
  const facts = await renderEdition(document, contentHash, {
    formats,
    fonts: lazyFonts(env.BOOKS),
    onProgress: (f) => progress.report(f),
    store: async (files, sample) => void rows.push(...(await storeFiles(env.BOOKS, build, files, sample))),
    sha256: digestChunks,
  });
  await progress.flush();
  return { rows, facts: { ...facts, warnings: facts.warnings.map((w) => source.ids.toId(w)) }, meta: editionMetaOf(document) };
}

export interface EditionOptions {
  formats: Format[];
  fonts: () => Promise<FontSet>;
  onProgress: (fraction: number) => void;
  /** Persists one edition's files (full, then sample); called before the next edition is rendered. */
  store: (files: BuiltFile[], sample: boolean) => Promise<void>;
  /** Hashes a file's chunks without joining them (BuildOptions.sha256). */
  sha256?: BuildOptions['sha256'];
}

/** SHA-256 (hex) of chunks through workerd's DigestStream: a long PDF's blocks are hashed as they are, not joined first. */
async function digestChunks(chunks: readonly Uint8Array[]): Promise<string> {
  const digest = new crypto.DigestStream('SHA-256');
  const writer = digest.getWriter();
  for (const chunk of chunks) await writer.write(chunk);
  await writer.close();
  return toHex(new Uint8Array(await digest.digest));
}

/**
 * The consumer's rendering step: every format of the full edition, then of
 * its free sample. The full edition's bytes are handed to `store` and let go
 * before the sample is rendered, so only one edition is held at a time (the
 * memory bench measures exactly this function).
 */
export async function renderEdition(document: BookDocument, contentHash: string, options: EditionOptions): Promise<BuildFacts> {
  const { formats, fonts, sha256 } = options;
  const full = await renderDocument(document, contentHash, { formats, fonts, sha256, onProgress: (f) => options.onProgress(f * FULL_SHARE) });
  await options.store(full.files, false);
  const facts = full.facts;
  full.files.length = 0; // lets the full edition's bytes go before the sample is rendered
  const sample = await renderDocument(sampleDocument(document), contentHash, {
    formats,
    fonts,
    sha256,
    onProgress: (f) => options.onProgress(FULL_SHARE + f * (1 - FULL_SHARE)),
  });
  await options.store(sample.files, true);
  return facts;
}

/** Puts one edition's files into R2 at their edition keys and returns the rows that record them. */
export async function storeFiles(bucket: R2Bucket, build: BuildRecord, files: BuiltFile[], sample: boolean): Promise<BuildFile[]> {
  const rows: BuildFile[] = [];
  for (const file of files) {
    const r2Key = editionFileKey(build.bookSlug, build.contentHash, file.format, sample);
    const filename = r2Key.slice(r2Key.lastIndexOf('/') + 1);
    await bucket.put(r2Key, uploadBody(file), {
      sha256: file.sha256,
      httpMetadata: { contentType: file.mediaType, contentDisposition: `attachment; filename="${filename}"` },
    });
    rows.push({ format: fileFormat(file.format, sample), r2Key, size: file.size, sha256: file.sha256, pages: file.pages ?? null });
  }
  return rows;
}

/** A file's bytes for R2: its one chunk, or its chunks streamed with their length given (R2 needs it), never joined. */
function uploadBody(file: BuiltFile): Uint8Array | ReadableStream {
  if (file.chunks.length === 1) return file.chunks[0];
  const { readable, writable } = new FixedLengthStream(file.size);
  void (async () => {
    const writer = writable.getWriter();
    try {
      for (const chunk of file.chunks) await writer.write(chunk);
      await writer.close();
    } catch (err) {
      await writer.abort(err).catch(() => {});
    }
  })();
  return readable;
}

/**
 * Fonts come from R2 (too big to bundle), read only when a PDF is written;
 * a fallback face only when the PDF writer asks for it, once per build.
 */
export function lazyFonts(bucket: Pick<R2Bucket, 'get'>): () => Promise<FontSet> {
  let loading: Promise<FontSet> | undefined;
  const read = async (r2Key: string) => {
    const object = await bucket.get(r2Key);
    if (!object) throw new BinderyError('missing-file', `font "${r2Key}" is not in the R2 bucket; upload the fonts (see README, Deploy)`);
    return new Uint8Array(await object.arrayBuffer());
  };
  // A face from a Debian package is optional: not uploaded, its characters are drawn as boxes with a warning.
  const readFallback = async (font: (typeof FALLBACK_FONT_FILES)[number], block: number | undefined) => {
    if (!('debianPackage' in font)) return read(font.r2Key);
    const object = await bucket.get(fallbackR2Key(font, block));
    return object ? new Uint8Array(await object.arrayBuffer()) : undefined;
  };
  // Keyed by R2 key: one read per face, or per block of a face stored in blocks.
  const fallbacks = new Map<string, Promise<Uint8Array | undefined>>();
  const fallback = (role: FallbackRole, block?: number) => {
    const font = FALLBACK_FONT_FILES.find((f) => f.role === role)!;
    const key = fallbackR2Key(font, block);
    let bytes = fallbacks.get(key);
    if (!bytes) fallbacks.set(key, (bytes = readFallback(font, block)));
    return bytes;
  };
  return () =>
    (loading ??= (async () => {
      const entries = await Promise.all(FONT_FILES.map(async (font) => [font.role, await read(font.r2Key)] as const));
      return { ...(Object.fromEntries(entries) as Record<FaceRole, Uint8Array>), fallback };
    })());
}

interface ProgressRecorder {
  report(fraction: number): void;
  flush(): Promise<void>;
}

/** Writes progress to D1 in steps of 5 %, in order, without making the writers wait. */
function progressRecorder(builds: BuildRepository, id: string): ProgressRecorder {
  let recorded = 0;
  let pending: Promise<void> = Promise.resolve();
  return {
    report(fraction) {
      if (fraction - recorded < 0.05) return;
      recorded = fraction;
      pending = pending.then(() => builds.setProgress(id, fraction)).catch((err) => console.error('progress update failed', err));
    },
    flush: () => pending,
  };
}
