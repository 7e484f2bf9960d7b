/**
 * Appends `items` to `target` one at a time. `target.push(...items)` passes
 * every item as an argument, and V8 refuses calls of more than ~125,000
 * arguments ("Maximum call stack size exceeded"): a code listing of 130,000
 * lines failed the PDF build that way.
 */
export function pushAll<T>(target: T[], items: readonly T[]): T[] {
  for (const item of items) target.push(item);
  return target;
}
