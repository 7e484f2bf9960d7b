import type { Warning } from '../errors.ts';
import { BinderyError } from '../errors.ts';
import { contributorsWithoutConsent } from './contributors.ts';
import { frontMatterSchema, type FrontMatter } from './manifest.ts';
import { parseLocatedYaml, validateLocated } from './yaml-source.ts';

export interface ArticleSource {
  /** Its path in the book (`SourceArticle.path`), or its id when the pool checks an upload: what errors name. */
  file: string;
  meta: FrontMatter;
  /** The Markdown after the front matter. */
  body: string;
  /** Line number in the file where `body` starts (1-based). */
  bodyLine: number;
  /** Front matter fields Bindery does not use, each at its line. */
  warnings: Warning[];
  /** Contributors listed without a consent record, each at its line: warnings, or errors where the book sets `consent:`. */
  withoutConsent: Warning[];
}

const FENCE = /^---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

/** Splits YAML front matter from Markdown and validates it. */
export function parseArticle(file: string, text: string): ArticleSource {
  const source = text.replace(/^\uFEFF/, '');
  const match = FENCE.exec(source);
  if (!match) {
    throw new BinderyError('invalid-article', 'missing front matter: an article starts with a --- block holding at least "title"', {
      file,
      line: 1,
      field: 'title',
    });
  }
  const yaml = parseLocatedYaml(match[1], file, 'invalid-article', 1);
  const meta = validateLocated(frontMatterSchema, yaml, file, 'invalid-article');
  const known = new Set(Object.keys(frontMatterSchema.shape));
  const fields = yaml.value && typeof yaml.value === 'object' ? Object.keys(yaml.value) : [];
  const warnings = fields
    .filter((key) => !known.has(key))
    .map((key) => ({ file, line: yaml.lineOf([key]), message: `unknown front matter field "${key}" ignored (known: ${[...known].join(', ')})` }));
  const bodyLine = match[0].split('\n').length - (match[0].endsWith('\n') ? 0 : 1);
  const withoutConsent = contributorsWithoutConsent(file, meta, yaml.lineOf);
  return { file, meta, body: source.slice(match[0].length), bodyLine, warnings, withoutConsent };
}
