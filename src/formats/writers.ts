import type { Format, Writer } from './writer.ts';

/**
 * Every output format Bindery can write. Writers load on first use: the PDF
 * writer's font and layout libraries cost ~50 MB of RSS that an EPUB-only
 * build should not pay.
 */
export const WRITERS: Record<Format, () => Promise<Writer>> = {
  epub: async () => (await import('../epub/writer.ts')).epubWriter,
  pdf: async () => (await import('../pdf/writer.ts')).pdfWriter,
};
