import type { Stamper } from './stamper.ts';
import type { Writer } from './writer.ts';

/** The id of an output format, as build_files, download links and CLI flags spell it. */
export type Format = 'epub' | 'pdf';

/** Everything Bindery knows about one output format. */
export interface FormatEntry {
  id: Format;
  mediaType: string;
  /** File name extension, without the dot. */
  extension: string;
  /** How people are shown the format: "EPUB", "PDF". */
  label: string;
  /** Whether files have fixed pages (and a page count). */
  paged: boolean;
  /** build_files.format of the free sample in this format. */
  sampleFile: string;
  /** The first bytes of every file in this format: how an uploaded file's format is told without trusting its name. */
  magic: readonly number[];
  /** Loaded on first use: the PDF writer's font and layout libraries cost ~50 MB of RSS that an EPUB-only build should not pay. */
  writer: () => Promise<Writer>;
  /** Loaded on first use, like the writer. */
  stamper: () => Promise<Stamper>;
}

/**
 * The format registry: the one place that knows a format. Adding a format is
 * an entry here plus its writer and stamper modules.
 */
export const FORMAT_REGISTRY: Readonly<Record<Format, FormatEntry>> = {
  epub: {
    id: 'epub',
    mediaType: 'application/epub+zip',
    extension: 'epub',
    label: 'EPUB',
    paged: false,
    sampleFile: 'sample-epub',
    magic: [0x50, 0x4b, 0x03, 0x04], // PK\3\4: an EPUB is a zip
    writer: async () => (await import('../epub/writer.ts')).epubWriter,
    stamper: async () => (await import('../stamp/epub.ts')).epubStamper,
  },
  pdf: {
    id: 'pdf',
    mediaType: 'application/pdf',
    extension: 'pdf',
    label: 'PDF',
    paged: true,
    sampleFile: 'sample-pdf',
    magic: [0x25, 0x50, 0x44, 0x46], // %PDF
    writer: async () => (await import('../pdf/writer.ts')).pdfWriter,
    stamper: async () => (await import('../stamp/pdf.ts')).pdfStamper,
  },
};

/** Every format id, in registry order; a tuple so that `z.enum(FORMATS)` types as `Format`. */
export const FORMATS = Object.keys(FORMAT_REGISTRY) as [Format, ...Format[]];

/** Every format's media type: for OpenAPI content maps and upload checks. */
export const MEDIA_TYPES: readonly string[] = FORMATS.map((format) => FORMAT_REGISTRY[format].mediaType);

/** Type guard for a format id read from storage or input. */
export const isFormat = (id: string): id is Format => Object.hasOwn(FORMAT_REGISTRY, id);

/** The format whose magic bytes `bytes` starts with, or null. */
export function formatOfBytes(bytes: Uint8Array): Format | null {
  return FORMATS.find((format) => FORMAT_REGISTRY[format].magic.every((b, i) => bytes[i] === b)) ?? null;
}
