/**
 * Errors the library raises on bad input. Each carries a stable `code` (tests and
 * callers match on it, not on the message) and a message that names what is wrong.
 */
export class GitopsMlError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GitopsMlError';
  }
}

/** Input data (a dataset file) is malformed. `file` and `line` locate the problem. */
export class DataError extends GitopsMlError {
  constructor(
    code: string,
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(code, file ? `${file}${line !== undefined ? `:${line}` : ''}: ${message}` : message);
    this.name = 'DataError';
  }
}

/** A spec, config or metadata document failed schema validation. */
export class ValidationError extends GitopsMlError {
  constructor(
    message: string,
    readonly errors: string[] = [],
  ) {
    super('E_VALIDATION', errors.length ? `${message}:\n  - ${errors.join('\n  - ')}` : message);
    this.name = 'ValidationError';
  }
}

/** A model artifact is missing, tampered with or truncated. */
export class ArtifactError extends GitopsMlError {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = 'ArtifactError';
  }
}
