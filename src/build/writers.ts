import { epubWriter } from '../epub/writer.ts';
import { pdfWriter } from '../pdf/writer.ts';
import type { Format, Writer } from './writer.ts';

/** Every output format Bindery can write. */
export const WRITERS: Partial<Record<Format, Writer>> = { epub: epubWriter, pdf: pdfWriter };
