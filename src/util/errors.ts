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

/**
 * A peer closed its end (it failed or finished first): what a rank sees when another rank's failure
 * reaches it. Launchers report such a failure only when no rank failed of its own accord.
 */
export class PeerGoneError extends LoomError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PeerGoneError';
  }
}

/** Whether `error`, or an error in its chain of causes, is a PeerGoneError (by name: it may have crossed a thread). */
export function isPeerGone(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 16 && current instanceof Error; depth++) {
    if (current.name === 'PeerGoneError') return true;
    current = current.cause;
  }
  return false;
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
