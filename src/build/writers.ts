import type { Format, Writer } from './writer.ts';

/** Every output format Bindery can write. */
export const WRITERS: Partial<Record<Format, Writer>> = {};
