/**
 * Errors are plain tagged values, never class hierarchies: they cross process and
 * HTTP boundaries as JSON, and callers branch on the stable `code`.
 */

/** Shape shared by every error the library returns. */
export interface ErrorShape<Tag extends string = string, Code extends string = string> {
  readonly _tag: Tag;
  /** Stable, machine-readable identifier (snake_case). Never reworded. */
  readonly code: Code;
  /** Human-readable explanation. Never contains a secret. */
  readonly message: string;
  /** Dotted path of the input field at fault, when one is. */
  readonly field?: string;
  /** Extra structured facts (expected/actual versions, limits, ...). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Input that does not satisfy a codec or a kernel rule. Nothing was written. */
export interface ValidationError extends ErrorShape<'ValidationError'> {
  readonly field: string;
}

/** A domain rule refused the command. Nothing was written. */
export interface DomainError<Code extends string = string> extends ErrorShape<'DomainError', Code> {}

export const validationError = (code: string, field: string, message: string, details?: Record<string, unknown>): ValidationError =>
  details === undefined ? { _tag: 'ValidationError', code, field, message } : { _tag: 'ValidationError', code, field, message, details };

export const domainError = <Code extends string>(
  code: Code,
  message: string,
  extra: { field?: string; details?: Record<string, unknown> } = {},
): DomainError<Code> => ({ _tag: 'DomainError', code, message, ...extra });
