import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../../src', import.meta.url));

/** The modules that may spell a format out: the registry and each format's writer and stamper. */
const FORMAT_MODULES = /^(formats|epub|pdf)\/|^stamp\/(epub|pdf)\.ts$/;

/** Format knowledge written out: a media type, a list of the formats, or a branch on a format id. */
const KNOWLEDGE = [/'application\/epub\+zip'/, /'application\/pdf'/, /\['epub', ?'pdf'\]/, /[=!]==? ?'(epub|pdf)'/, /'(epub|pdf)' ?[=!]==?/];

describe('format knowledge', () => {
  it('lives in src/formats: every other module reads the registry', () => {
    const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f) && !FORMAT_MODULES.test(f));
    const found = files.flatMap((file) =>
      readFileSync(join(SRC, file), 'utf8')
        .split('\n')
        .flatMap((line, i) => (KNOWLEDGE.some((pattern) => pattern.test(line)) ? [`src/${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(found).toEqual([]);
  });
});
