/**
 * Waiting on several ranks at once. When one rank fails, the others usually fail soon after only
 * because it left (their transport says the peer closed): `Promise.all` would report whichever of
 * those arrived first. This reports the root cause instead.
 */
import { isPeerGone } from './errors.js';

/** How long a consequential failure waits, by default, for the failure that caused it. */
export const ROOT_CAUSE_GRACE_MS = 2_000;

/**
 * Resolves with every value, or rejects with the first failure that is not a consequence of
 * another rank's (isPeerGone). A consequence alone waits up to `graceMs` for its root cause, then
 * is reported itself. `onFirstFailure` runs once, at the first failure of any kind (e.g. to abort
 * the other ranks).
 */
export function allOrRootFailure<T>(runs: readonly Promise<T>[], graceMs = ROOT_CAUSE_GRACE_MS, onFirstFailure?: (error: unknown) => void): Promise<T[]> {
  return new Promise<T[]>((resolve, reject) => {
    const values = new Array<T>(runs.length);
    const failures: unknown[] = [];
    let pending = runs.length;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const fail = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(failures.find((error) => !isPeerGone(error)) ?? failures[0]);
    };
    if (pending === 0) resolve(values);
    runs.forEach((run, index) => {
      run.then(
        (value) => {
          values[index] = value;
          pending--;
          if (pending === 0) {
            if (failures.length > 0) fail();
            else resolve(values);
          }
        },
        (error: unknown) => {
          failures.push(error);
          pending--;
          if (failures.length === 1) {
            onFirstFailure?.(error);
            timer = setTimeout(fail, graceMs);
          }
          if (!isPeerGone(error) || pending === 0) fail();
        },
      );
    });
  });
}
