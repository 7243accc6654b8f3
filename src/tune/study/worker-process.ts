/**
 * Which process holds a trial, precisely enough to tell at once that it is gone: a tuner killed
 * on this machine (kill -9, the out-of-memory killer) and restarted need not wait for the
 * heartbeat timeout to run its lost trials again.
 *
 * A running trial carries attrs.workerProcess = `<boot id>/<pid namespace>/<pid>` (Linux only:
 * the boot id names this boot of this machine, the pid namespace this container's process
 * table — two containers sharing a hostname still differ there). A pid only means something in
 * its own scope, so a tag from another scope is never judged. Within this scope a process is gone
 * when its pid does not exist or is a zombie. A pid reused by an unrelated process looks alive:
 * then nothing is shortcut and the heartbeat timeout decides, as for a remote worker. So the
 * shortcut can only come early, never wrong: a pid that does not exist holds no trial.
 */
import { readFileSync, readlinkSync } from 'node:fs';

let cachedScope: string | null | undefined;

/** `<boot id>/<pid namespace>` of this process, or null where it cannot be read (not Linux, no /proc). */
export function processScope(): string | null {
  if (cachedScope === undefined) cachedScope = readScope();
  return cachedScope;
}

function readScope(): string | null {
  if (process.platform !== 'linux') return null;
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const namespace = readlinkSync('/proc/self/ns/pid'); // e.g. pid:[4026531836]
    return boot && namespace ? `${boot}/${namespace}` : null;
  } catch {
    return null;
  }
}

/** This process's tag for attrs.workerProcess, or null where its scope is unknown. */
export function workerProcessTag(): string | null {
  const scope = processScope();
  return scope === null ? null : `${scope}/${process.pid}`;
}

/**
 * The pid of the process `tag` names when that process is gone: same scope as `scope`, not this
 * process, and `alive` says no. Null otherwise (no tag, another machine or container, alive).
 */
export function lostWorkerPid(tag: unknown, scope: string | null = processScope(), alive: (pid: number) => boolean = pidAlive): number | null {
  if (typeof tag !== 'string' || scope === null) return null;
  const cut = tag.lastIndexOf('/');
  if (cut < 0 || tag.slice(0, cut) !== scope) return null;
  const pid = Number(tag.slice(cut + 1));
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
  return alive(pid) ? null : pid;
}

/** Whether a process with this pid exists and has not exited (a zombie awaiting its parent's wait has). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists, owned by another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true; // no /proc to look in: it exists, as far as we can tell
  }
}
