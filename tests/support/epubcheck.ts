import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';

/** EPUBCheck's summary line for a file with nothing to report. */
export const EPUBCHECK_CLEAN = 'Messages: 0 fatals / 0 errors / 0 warnings / 0 infos';

/**
 * EPUBCheck's verdict on an EPUB: its summary line (`Messages: …`) and the
 * whole report, for the assertion message. The run's one EPUBCheck JVM
 * (tests/support/epubcheck-server.ts, a globalSetup) checks it with the
 * command line's own code; asynchronous, so a test file can queue several
 * books at once.
 */
export async function epubcheck(bytes: Uint8Array, name = 'book'): Promise<{ summary: string; report: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'bindery-epubcheck-'));
  try {
    const file = join(dir, `${name}.epub`);
    await writeFile(file, bytes);
    const res = await fetch(inject('epubcheckUrl'), { method: 'POST', body: file, signal: AbortSignal.timeout(300_000) });
    if (!res.ok) throw new Error(`EPUBCheck could not check ${name}.epub: ${await res.text()}`);
    const { report } = (await res.json()) as { code: number; report: string };
    return { summary: /Messages: .*/.exec(report)?.[0] ?? report, report };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
