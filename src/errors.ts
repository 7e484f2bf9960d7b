/** Where in the user's input a problem sits. */
export interface SourceLocation {
  file?: string;
  line?: number;
  field?: string;
}

/** A located, non-fatal problem in the user's input (a missing alt text, a glyph no font has): reported, never fatal. */
export interface Warning {
  file: string;
  line?: number;
  message: string;
}

export type ErrorCode =
  | 'invalid-manifest'
  | 'invalid-article'
  | 'missing-file'
  | 'invalid-image'
  | 'invalid-input'
  | 'unreadable-file'
  | 'not-found'
  | 'conflict'
  | 'unauthorized'
  | 'forbidden'
  | 'payload-too-large'
  | 'build-failed'
  | 'upstream-failed'
  | 'internal';

const STATUS: Record<ErrorCode, number> = {
  'invalid-manifest': 422,
  'invalid-article': 422,
  'missing-file': 422,
  'invalid-image': 422,
  'invalid-input': 400,
  /** An upload that arrived whole but is empty or cannot be read as what it claims to be. */
  'unreadable-file': 422,
  'not-found': 404,
  conflict: 409,
  unauthorized: 401,
  forbidden: 403,
  'payload-too-large': 413,
  'build-failed': 422,
  /** A service Bindery relies on (Stripe) could not be reached or refused: the request may be tried again. */
  'upstream-failed': 502,
  internal: 500,
};

/**
 * The one error type of Bindery. It carries a code (mapped to an HTTP status
 * by the web layer) and, for bad input, the file, line and field at fault.
 *
 * @example throw new BinderyError('invalid-manifest', 'title is required', { file: 'book.yaml', line: 1, field: 'title' })
 */
export class BinderyError extends Error {
  readonly code: ErrorCode;
  readonly where: SourceLocation;

  constructor(code: ErrorCode, message: string, where: SourceLocation = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BinderyError';
    this.code = code;
    this.where = where;
  }

  get status(): number {
    return STATUS[this.code];
  }

  /** `file:line: message (field)` — the form the CLI prints and builds record. */
  describe(): string {
    const { file, line, field } = this.where;
    const place = file ? `${file}${line ? `:${line}` : ''}: ` : '';
    const fieldNote = field && !this.message.includes(`"${field}"`) ? ` (field: ${field})` : '';
    return `${place}${this.message}${fieldNote}`;
  }

  toJSON(): { code: ErrorCode; message: string } & SourceLocation {
    return { code: this.code, message: this.message, ...this.where };
  }
}
