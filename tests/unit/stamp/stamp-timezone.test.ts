import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sampleEpub } from './sample-files.ts';

const STAMP = fileURLToPath(new URL('../../../src/stamp/epub.ts', import.meta.url));

/** Stamps `epubPath` in a fresh Node process under time zone `tz` and returns the SHA-256 of the result. */
function stampedDigest(script: string, epubPath: string, tz: string): string {
  const run = spawnSync(process.execPath, ['--import', 'tsx', script, epubPath], { encoding: 'utf8', env: { ...process.env, TZ: tz } });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return run.stdout.trim();
}

describe('stamping an EPUB', () => {
  it('gives the same bytes in every time zone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bindery-stamp-tz-'));
    const epubPath = join(dir, 'book.epub');
    writeFileSync(epubPath, sampleEpub());
    const script = join(dir, 'stamp.ts');
    writeFileSync(
      script,
      `import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { stampEpub } from ${JSON.stringify(STAMP)};
const stamped = stampEpub(readFileSync(process.argv[2]), { email: 'ana@example.com', orderId: 'pur_3f2a9c0d41b84e6f8a7d5c1e2b3a4f60', mark: '6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b' }, { markKey: new Uint8Array(16) });
process.stdout.write(createHash('sha256').update(stamped).digest('hex'));
`,
    );
    const utc = stampedDigest(script, epubPath, 'UTC');
    expect(utc).toMatch(/^[0-9a-f]{64}$/);
    expect(stampedDigest(script, epubPath, 'Pacific/Chatham')).toBe(utc);
    expect(stampedDigest(script, epubPath, 'America/Los_Angeles')).toBe(utc);
  });
});
