/**
 * One error type for everything a user can get wrong (config, data, checkpoints, peers).
 * The CLI prints `message` as one line and exits non-zero; `cause` keeps the underlying error.
 */
export class LoomError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LoomError';
  }
}

/** Short, single-line rendering of a user-supplied value for error messages. */
export function showValue(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
