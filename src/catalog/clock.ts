/** Timestamps as stored in D1: ISO 8601 in UTC, so they sort as text. */
export function nowIso(): string {
  return new Date().toISOString();
}

/** A random identifier with a type prefix, e.g. `bld_3f2a…` for builds. */
export function newId(prefix: string): string {
  return `${prefix}_${crypto.randomUUID().replace(/-/g, '')}`;
}
