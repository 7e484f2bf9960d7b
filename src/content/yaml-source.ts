import { LineCounter, isMap, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { BinderyError, type ErrorCode } from '../errors.ts';

/** A YAML text parsed with enough position data to point errors at a line. */
export interface LocatedYaml {
  value: unknown;
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

/**
 * Parses YAML, turning syntax errors into BinderyErrors at `file:line`.
 * `lineOffset` shifts reported lines (front matter starts after the `---` line).
 */
export function parseLocatedYaml(text: string, file: string, code: ErrorCode, lineOffset = 0): LocatedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const firstError = doc.errors[0];
  if (firstError) {
    const line = lineCounter.linePos(errorStart(text, firstError.pos[0], firstError.message)).line + lineOffset;
    throw new BinderyError(code, `YAML syntax error: ${firstError.message.split('\n')[0]}`, { file, line });
  }
  return {
    value: doc.toJS({ maxAliasCount: 50 }),
    lineOf: (path) => lineOfPath(doc, lineCounter, path, lineOffset),
  };
}

/** An unclosed `[` or `{` is reported where the parser gave up; the author needs the line that opened it. */
function errorStart(text: string, pos: number, message: string): number {
  if (!/flow (sequence|mapping|collection)/i.test(message)) return pos;
  const opener = Math.max(text.lastIndexOf('[', pos), text.lastIndexOf('{', pos));
  return opener === -1 ? pos : opener;
}

function lineOfPath(doc: Document, counter: LineCounter, path: readonly PropertyKey[], offset: number): number | undefined {
  let node: unknown = doc.contents;
  let best: number | undefined = rangeLine(node, counter);
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => String((p.key as Node | null)?.toJSON?.() ?? p.key) === String(key));
      if (!pair) break;
      best = rangeLine(pair.key, counter) ?? best;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
    } else break;
    best = rangeLine(node, counter) ?? best;
  }
  return best === undefined ? undefined : best + offset;
}

function rangeLine(node: unknown, counter: LineCounter): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? counter.linePos(range[0]).line : undefined;
}

/** Validates a located YAML value with zod; the first issue becomes a BinderyError naming file, line and field. */
export function validateLocated<T extends z.ZodType>(
  schema: T,
  yaml: LocatedYaml,
  file: string,
  code: ErrorCode,
): z.infer<T> {
  const result = schema.safeParse(yaml.value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.map(String).join('.') || undefined;
  const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  const path = unknownKey ? [...issue.path, unknownKey] : issue.path;
  const missing = issue.code === 'invalid_type' && issue.message.includes('undefined');
  const message = unknownKey
    ? `unknown field "${[...issue.path.map(String), unknownKey].join('.')}"`
    : missing
      ? `missing required field "${field}"`
      : `${field ? `field "${field}": ` : ''}${issue.message}`;
  throw new BinderyError(code, message, { file, line: yaml.lineOf(path) ?? 1, field: unknownKey ?? field });
}
