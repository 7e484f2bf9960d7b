import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** EPUBCheck's summary line for a file with nothing to report. */
export const EPUBCHECK_CLEAN = 'Messages: 0 fatals / 0 errors / 0 warnings / 0 infos';

/**
 * EPUBCheck's verdict on an EPUB: its summary line (`Messages: …`) and the
 * whole report, for the assertion message. Asynchronous, so a test file can
 * check several books at once instead of one JVM after another.
 */
export async function epubcheck(bytes: Uint8Array, name = 'book'): Promise<{ summary: string; report: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'bindery-epubcheck-'));
  try {
    const file = join(dir, `${name}.epub`);
    await writeFile(file, bytes);
    const report = await new Promise<string>((resolve) => {
      execFile('java', ['-jar', '/usr/share/java/epubcheck.jar', file], { encoding: 'utf8', timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (_error, stdout, stderr) =>
        resolve(`${stdout}\n${stderr}`),
      );
    });
    return { summary: /Messages: .*/.exec(report)?.[0] ?? report, report };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
