import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../../src', import.meta.url));

/**
 * Every module of src/ with the src/ modules it loads: static and dynamic
 * imports and re-exports. Type-only imports are left out: they vanish when
 * compiled, so a writer may name the Writer interface whose registry loads it.
 */
function importGraph(): Map<string, string[]> {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(SRC, file), 'utf8');
    const specs = [...text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+['"](\.{1,2}\/[^'"]+)['"]|import\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]/gms)].map((m) => m[1] ?? m[2]);
    graph.set(
      file,
      specs.map((spec) => relative(SRC, resolve(SRC, dirname(file), spec))).filter((target) => !target.startsWith('..')),
    );
  }
  return graph;
}

/** The folder a module belongs to: `pdf/fonts.ts` → `pdf`; modules at the root of src/ are their own. */
const folderOf = (file: string) => (file.includes('/') ? file.slice(0, file.indexOf('/')) : file);

/** Strongly connected components with more than one member (Tarjan), i.e. the cycles. */
function cycles(edges: Map<string, Set<string>>): string[][] {
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string) => {
    order.set(node, index);
    low.set(node, index++);
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (!order.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(node, Math.min(low.get(node)!, order.get(next)!));
    }
    if (low.get(node) === order.get(node)) {
      const component: string[] = [];
      let member: string;
      do component.push((member = stack.pop()!));
      while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of edges.keys()) if (!order.has(node)) visit(node);
  return found;
}

describe('the module structure of src/', () => {
  const graph = importGraph();

  it('has no import cycles between folders (type-only imports aside)', () => {
    const folders = new Map<string, Set<string>>();
    for (const [file, targets] of graph) {
      const from = folderOf(file);
      if (!folders.has(from)) folders.set(from, new Set());
      for (const target of targets) if (folderOf(target) !== from) folders.get(from)!.add(folderOf(target));
    }
    expect(cycles(folders)).toEqual([]);
  });

  it('has no import cycles between modules (type-only imports aside)', () => {
    expect(cycles(new Map([...graph].map(([file, targets]) => [file, new Set(targets)])))).toEqual([]);
  });

  it('keeps Worker-only code out of the shared pipeline and the writers', () => {
    const shared = [...graph].filter(([file]) => /^(pipeline|formats|content|document|epub|pdf|stamp)\//.test(file));
    const leaks = shared.flatMap(([file, targets]) => targets.filter((t) => /^(worker|catalog|http|commerce|cli)\//.test(t)).map((t) => `${file} → ${t}`));
    expect(leaks).toEqual([]);
  });
});
