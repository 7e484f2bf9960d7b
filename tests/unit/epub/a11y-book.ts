import { readFileSync } from 'node:fs';
import { MemorySource } from '../../../src/content/source.ts';

const PNG = readFileSync('tests/fixtures/books/edge-cases/images/checker.png');

/**
 * A one-chapter book for the accessibility tests: `yaml` is added to a
 * minimal book.yaml, `markdown` is the chapter body, and the chapter may
 * reference `images/checker.png`.
 */
export function a11ySource(options: { language?: string; yaml?: string; markdown?: string; lang?: string } = {}): MemorySource {
  const { language = 'en', yaml = '', markdown = 'Words only.\n', lang } = options;
  return new MemorySource(
    'a11y',
    new Map<string, Uint8Array | string>([
      ['book.yaml', `title: Access\nlanguage: ${language}\nauthors: [A]\npublisher: Press\ndate: 2025-06-28\n${yaml}chapters:\n  - one.md\n`],
      ['one.md', `---\ntitle: One\n${lang ? `lang: ${lang}\n` : ''}---\n\n${markdown}`],
      ['images/checker.png', PNG],
    ]),
  );
}
