/**
 * Worker processes on this machine (the `procs` mode): `count` children of one command, with
 * stdin closed and stdout/stderr read line by line, prefixed with the worker index for the log;
 * each child's stderr is also kept (its tail) so that a failure can be explained. The pids are
 * the workers' own (no shell in between), so they match what the coordinator reports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export interface LaunchOptions {
  count: number;
  command: string;
  args: string[];
  /** Added to this process's environment; every child also gets LOOM_WORKER_INDEX. */
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Most stderr bytes kept per child. */
const STDERR_TAIL_CHARS = 64 * 1024;

export class LocalWorkers {
  readonly pids: readonly number[];
  /** One promise per child, resolving when it exits. */
  readonly exits: readonly Promise<WorkerExit>[];
  private readonly children: ChildProcess[];
  private readonly stderrTails: string[];
  private readonly running: boolean[];

  constructor(options: LaunchOptions) {
    const log = options.log ?? (() => {});
    this.stderrTails = Array.from({ length: options.count }, () => '');
    this.running = Array.from({ length: options.count }, () => true);
    this.children = Array.from({ length: options.count }, (_, index) =>
      spawn(options.command, options.args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        // Own process group: a Ctrl-C at the terminal reaches the coordinator only, which asks
        // the job to stop cleanly; a worker whose coordinator dies leaves on the lost connection.
        detached: true,
        env: { ...process.env, ...options.env, LOOM_WORKER_INDEX: String(index) },
      }),
    );
    this.pids = this.children.map((child) => child.pid ?? -1);
    this.exits = this.children.map((child, index) => {
      forwardLines(child.stdout as Readable, (line) => log(`[worker ${index}] ${line}`));
      forwardLines(child.stderr as Readable, (line) => {
        log(`[worker ${index}] ${line}`);
        this.stderrTails[index] = `${this.stderrTails[index]}${line}\n`.slice(-STDERR_TAIL_CHARS);
      });
      return new Promise<WorkerExit>((resolve) => {
        child.once('error', (error) => {
          this.stderrTails[index] += `cannot start ${options.command}: ${error.message}\n`;
          this.running[index] = false;
          resolve({ code: null, signal: null });
        });
        child.once('exit', (code, signal) => {
          this.running[index] = false;
          log(`[worker ${index}] exited (${signal ?? `code ${code}`})`);
          resolve({ code, signal });
        });
      });
    });
  }

  get count(): number {
    return this.children.length;
  }

  /** Sends `signal` to worker `index`; false when it has already exited. */
  kill(index: number, signal: NodeJS.Signals = 'SIGTERM'): boolean {
    return this.running[index] === true && this.children[index].kill(signal);
  }

  /** What worker `index` wrote to stderr (the last 64 KiB). */
  stderr(index: number): string {
    return this.stderrTails[index];
  }

  /** Resolves when every worker has exited. */
  async waitAll(): Promise<WorkerExit[]> {
    return Promise.all(this.exits);
  }

  /** Ends every worker that remains: SIGTERM (and SIGCONT, for stopped ones), then SIGKILL after `graceMs`. */
  async stop(graceMs = 2_000): Promise<void> {
    for (let index = 0; index < this.count; index++) {
      if (this.kill(index, 'SIGTERM')) this.kill(index, 'SIGCONT');
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.waitAll(), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    for (let index = 0; index < this.count; index++) this.kill(index, 'SIGKILL');
    await this.waitAll();
  }
}

function forwardLines(stream: Readable, onLine: (line: string) => void): void {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
}

export function launchLocalWorkers(options: LaunchOptions): LocalWorkers {
  return new LocalWorkers(options);
}
