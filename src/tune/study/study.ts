/**
 * A study: the trials of one hyperparameter search, in a journal (journal.ts) that any number of
 * tuner processes may share. `ask` starts a trial (or resumes one a scheduler promotes), the
 * objective suggests parameters and reports through the trial handle, `tell` ends it. Trials whose
 * worker stops sending heartbeats are marked failed and, within `retries`, queued again with the
 * same parameters (a waiting trial the next free worker takes first), so no trial stays RUNNING
 * after a crash. A trial held by a process of this machine that no longer exists is failed at
 * once, without waiting for the timeout (worker-process.ts says when that is safe to tell).
 */
import { hostname } from 'node:os';
import { LoomError } from '../../util/errors.js';
import type { Sampler } from '../samplers/sampler.js';
import type { Decision, NextTrial, Scheduler } from '../schedulers/scheduler.js';
import type { Distribution, ParamValue } from '../space/distribution.js';
import { memoryJournal, type JournalBackend, type JournalOp } from './journal.js';
import { StudyState } from './replay.js';
import { TrialHandle, type TrialHost } from './trial-handle.js';
import { lostWorkerPid, workerProcessTag } from './worker-process.js';
import { lossOf, type Direction, type FrozenTrial, type StudyView, type TrialState } from './trial.js';

export interface StudyOptions {
  readonly sampler: Sampler;
  readonly scheduler?: Scheduler;
  /** Default: a new in-memory journal. */
  readonly backend?: JournalBackend;
  /** Default "study". */
  readonly name?: string;
  /** Default minimize; a study opened again must be asked for the direction it was created with. */
  readonly direction?: Direction;
  /** Names this process in trial attrs (default host:pid). */
  readonly worker?: string;
  /** A running trial without a heartbeat for this long is failed (default 60 s). */
  readonly staleAfterMs?: number;
  /** How many times the trials of a lost worker are queued again (default 1). */
  readonly retries?: number;
  /** How long `ask` sleeps while a scheduler waits for a rung to fill (default 50 ms). */
  readonly pollMs?: number;
}

export interface AskOptions {
  /** Start no new trial once the study holds this many (retries of lost trials not counted). */
  readonly maxTrials?: number;
}

export type TellResult = number | { readonly state: 'pruned' | 'failed'; readonly error?: string };

export type Objective = (trial: TrialHandle) => number | Promise<number>;

export interface OptimizeOptions {
  /** Run until the study holds this many trials (counted over every process sharing it). */
  readonly trials: number;
  /** Called after each trial this process ran ends (or pauses). */
  readonly onTrial?: (trial: FrozenTrial) => void;
  /** Checked before each new trial: true ends the loop (trials running then still finish). */
  readonly stop?: () => boolean;
}

export class Study implements StudyView {
  private readonly state = new StudyState();
  private readonly worker: string;
  private readonly staleAfterMs: number;
  private readonly retries: number;
  private readonly pollMs: number;
  /** attrs.workerProcess of the trials this process runs (null where it cannot be told). */
  private readonly processTag = workerProcessTag();
  readonly backend: JournalBackend;

  private constructor(private readonly options: StudyOptions) {
    this.backend = options.backend ?? memoryJournal();
    this.worker = options.worker ?? `${hostname()}:${process.pid}`;
    this.staleAfterMs = options.staleAfterMs ?? 60_000;
    this.retries = options.retries ?? 1;
    this.pollMs = options.pollMs ?? 50;
  }

  /** Opens (or creates) the study in `options.backend`. */
  static async open(options: StudyOptions): Promise<Study> {
    const study = new Study(options);
    const name = options.name ?? 'study';
    await study.refresh();
    if (study.state.lastSeq === 0) {
      await study.backend.append([{ op: 'study', name, direction: options.direction ?? 'minimize', at: Date.now() }], 0);
      await study.refresh(); // another process may have created it first: its entry is the one that counts
    }
    if (options.direction && options.direction !== study.state.direction) {
      throw new LoomError(`study "${study.state.name}" in ${study.backend.location} is to ${study.state.direction}, but ${options.direction} was asked for`);
    }
    return study;
  }

  get name(): string {
    return this.state.name;
  }

  get direction(): Direction {
    return this.state.direction;
  }

  trials(states?: readonly TrialState[]): readonly FrozenTrial[] {
    return this.state.trials(states);
  }

  /** The complete trial with the best value, or null. */
  get bestTrial(): FrozenTrial | null {
    let best: FrozenTrial | null = null;
    for (const trial of this.state.trials(['complete'])) {
      if (trial.value === null) continue;
      if (best === null || lossOf(this.direction, trial.value) < lossOf(this.direction, best.value as number)) best = trial;
    }
    return best;
  }

  /** Reads what other processes appended. */
  async refresh(): Promise<void> {
    const entries = await this.backend.read(this.state.lastSeq);
    // Trials of one process may refresh concurrently: a read that started earlier brings entries already applied.
    const seen = this.state.lastSeq;
    this.state.apply(entries.filter((e) => e.seq > seen));
  }

  /** The next trial to run: a new one, or a paused one the scheduler promotes; null when the search is over. */
  async ask(options: AskOptions = {}): Promise<TrialHandle | null> {
    for (;;) {
      await this.refresh();
      if (await this.reapStale()) continue;
      if (await this.retire()) continue;
      const queued = this.state.trials(['waiting'])[0];
      if (queued) {
        const claimed = await this.claim(queued.id, []);
        if (claimed) return claimed;
        continue;
      }
      // A sampler whose space is used up (a grid with every point taken) starts no new trial, as at maxTrials.
      const next = this.nextTrial(this.options.sampler.exhausted?.(this.state) ? 0 : options.maxTrials);
      if (next.kind === 'done') return null;
      if (next.kind === 'wait') {
        await sleep(this.pollMs);
        continue;
      }
      const handle = next.kind === 'resume' ? await this.resume(next.trialId, next.budget) : await this.create(next);
      if (handle) return handle;
      // Another process appended since this decision: decide again on the newer history.
    }
  }

  /** Ends a trial: its value, or pruned / failed. After a 'pause' or 'stop' from `report`, only flushes. */
  async tell(trial: TrialHandle, result: TellResult): Promise<void> {
    if (trial.lastDecision !== 'continue') return trial.finish(null);
    const at = Date.now();
    if (typeof result === 'number') {
      if (!Number.isFinite(result)) return trial.finish({ op: 'state', trial: trial.id, state: 'failed', at, value: null });
      return trial.finish({ op: 'state', trial: trial.id, state: 'complete', value: result, at });
    }
    if (result.error) await trial.setAttrs({ error: result.error });
    return trial.finish({ op: 'state', trial: trial.id, state: result.state, at });
  }

  /**
   * Runs `objective` on trials in this process until the study holds `trials` trials (and every
   * promotion is done). An objective that throws fails its trial; the error is kept in its attrs.
   */
  async optimize(objective: Objective, options: OptimizeOptions): Promise<void> {
    for (;;) {
      if (options.stop) {
        await this.refresh();
        if (options.stop()) return;
      }
      const trial = await this.ask({ maxTrials: options.trials });
      if (!trial) return;
      const beat = setInterval(() => void trial.heartbeat().catch(() => {}), Math.max(10, this.staleAfterMs / 4));
      try {
        await this.tell(trial, await objective(trial));
      } catch (error) {
        if (error instanceof LoomError && error.message.startsWith('search space:')) throw error; // a bad space is the user's to fix, not a failed trial
        await this.tell(trial, { state: 'failed', error: error instanceof Error ? error.message : String(error) });
      } finally {
        clearInterval(beat);
      }
      if (options.onTrial) {
        await this.refresh();
        options.onTrial(this.state.trial(trial.id) as FrozenTrial);
      }
    }
  }

  private nextTrial(maxTrials: number | undefined): NextTrial {
    const scheduler = this.options.scheduler;
    const next: NextTrial = scheduler ? scheduler.nextTrial(this.state) : { kind: 'new', budget: Number.NaN };
    // A trial that replaces another (PBT's exploit) continues a member of the search: not counted, never held back.
    if (next.kind !== 'new' || next.replaces !== undefined || maxTrials === undefined) return next;
    const started = this.state.trials().filter((t) => t.attrs.retryOf === undefined && t.attrs.replaces === undefined).length;
    if (started < maxTrials) return next;
    // At the limit: while trials run, a scheduler may still promote one of them when they report.
    return scheduler && this.state.trials(['running']).length > 0 ? { kind: 'wait' } : { kind: 'done' };
  }

  /**
   * Creates the trial `next` asks for: preset params as given, the sampler's joint draw for the
   * rest; with `replaces`, that paused trial ends in the same conditional append.
   */
  private async create(next: Extract<NextTrial, { kind: 'new' }>): Promise<TrialHandle | null> {
    const { budget, replaces } = next;
    const sampler = this.options.sampler;
    const at = Date.now();
    const attrs = replaces === undefined ? { ...next.attrs } : { ...next.attrs, replaces };
    const withBudget = Number.isFinite(budget) ? { ...attrs, budget } : { ...attrs };
    const preset = next.params ?? {};
    const provisional: FrozenTrial = {
      id: -1,
      number: this.state.trials().length,
      state: 'running',
      params: Object.fromEntries(Object.entries(preset).map(([name, p]) => [name, p.value])),
      distributions: Object.fromEntries(Object.entries(preset).map(([name, p]) => [name, p.distribution])),
      value: null,
      intermediate: new Map(),
      attrs: withBudget,
      startedAt: at,
      finishedAt: null,
      heartbeatAt: at,
    };
    const space = Object.fromEntries(Object.entries(sampler.inferRelativeSpace(this.state, provisional)).filter(([name]) => !(name in preset)));
    const drawn = Object.keys(space).length > 0 ? sampler.sampleRelative(this.state, provisional, space) : {};
    const params: Record<string, { distribution: Distribution; value: ParamValue }> = { ...preset };
    for (const [name, distribution] of Object.entries(space)) {
      if (name in drawn) params[name] = { distribution, value: drawn[name] };
    }
    const held = this.processTag === null ? withBudget : { ...withBudget, workerProcess: this.processTag };
    const ops: JournalOp[] = [{ op: 'create', worker: this.worker, at, attrs: held, params }];
    if (replaces !== undefined) {
      const old = this.state.trial(replaces);
      const failed = old?.state === 'failed' && old.attrs.replacedBy === undefined;
      if (old?.state !== 'paused' && !failed) {
        throw new LoomError(`scheduler ${this.options.scheduler?.name ?? 'none'} asked to replace trial id ${replaces}, which is ${old ? old.state : 'not in the study'}, not paused (or failed)`);
      }
      // The create is the first entry appended, so the new trial's id is the next seq. A failed trial stays failed.
      ops.push({ op: 'attrs', trial: replaces, attrs: { replacedBy: this.state.lastSeq + 1 } });
      if (!failed) ops.push({ op: 'state', trial: replaces, state: 'pruned', at });
    }
    const seq = await this.backend.append(ops, this.state.lastSeq);
    if (seq === null) return null;
    await this.refresh();
    return new TrialHandle(this.host(), this.state.trial(seq) as FrozenTrial, false);
  }

  private resume(trialId: number, budget: number): Promise<TrialHandle | null> {
    return this.claim(trialId, [{ op: 'attrs', trial: trialId, attrs: { budget } }]);
  }

  /**
   * Ends as pruned the paused trials the scheduler will never resume; true if it tried (the
   * append may have lost to another process's: the caller decides again on the newer history).
   */
  private async retire(): Promise<boolean> {
    const ids = this.options.scheduler?.retired?.(this.state) ?? [];
    if (ids.length === 0) return false;
    const at = Date.now();
    const ops = ids.flatMap((id): JournalOp[] => [
      { op: 'attrs', trial: id, attrs: { retired: true } },
      { op: 'state', trial: id, state: 'pruned', at },
    ]);
    await this.backend.append(ops, this.state.lastSeq);
    return true;
  }

  /** Takes a paused or waiting trial for this worker, unless another process appended first. */
  private async claim(trialId: number, more: readonly JournalOp[]): Promise<TrialHandle | null> {
    const resumed = this.state.trial(trialId)?.state === 'paused';
    const ops: JournalOp[] = [
      { op: 'state', trial: trialId, state: 'running', worker: this.worker, at: Date.now() },
      // Replaces the previous holder's tag (which may name a process that has since exited).
      { op: 'attrs', trial: trialId, attrs: { workerProcess: this.processTag } },
      ...more,
    ];
    if ((await this.backend.append(ops, this.state.lastSeq)) === null) return null;
    await this.refresh();
    return new TrialHandle(this.host(), this.state.trial(trialId) as FrozenTrial, resumed);
  }

  /**
   * Fails running trials whose heartbeat is older than staleAfterMs, or whose process on this
   * machine is gone, and queues them again; true if it appended.
   */
  private async reapStale(): Promise<boolean> {
    const now = Date.now();
    const lost: { trial: FrozenTrial; error: string }[] = [];
    for (const trial of this.state.trials(['running'])) {
      const worker = String(trial.attrs.worker);
      const silentS = Math.round((now - trial.heartbeatAt) / 1000);
      if (now - trial.heartbeatAt > this.staleAfterMs) {
        lost.push({ trial, error: `no heartbeat from ${worker} for ${silentS} s` });
        continue;
      }
      const pid = lostWorkerPid(trial.attrs.workerProcess);
      if (pid !== null) lost.push({ trial, error: `worker ${worker} is gone: process ${pid} no longer exists on this machine (last heartbeat ${silentS} s ago)` });
    }
    if (lost.length === 0) return false;
    const ops: JournalOp[] = [];
    for (const { trial, error } of lost) {
      ops.push({ op: 'attrs', trial: trial.id, attrs: { error } }, { op: 'state', trial: trial.id, state: 'failed', at: now });
      const attempt = typeof trial.attrs.attempt === 'number' ? trial.attrs.attempt : 0;
      if (attempt < this.retries) {
        const params: Record<string, { distribution: Distribution; value: ParamValue }> = {};
        for (const [name, value] of Object.entries(trial.params)) params[name] = { distribution: trial.distributions[name], value };
        const { worker: _worker, error: _error, workerProcess: _process, ...attrs } = trial.attrs;
        ops.push({ op: 'create', waiting: true, worker: this.worker, at: now, attrs: { ...attrs, retryOf: trial.number, attempt: attempt + 1 }, params });
      }
    }
    await this.backend.append(ops, this.state.lastSeq); // lost race: another process reaped them
    return true;
  }

  private host(): TrialHost {
    return {
      sample: (trial, name, distribution) => this.options.sampler.sampleIndependent(this.state, trial, name, distribution),
      send: async (ops) => {
        await this.backend.append(ops);
      },
      decide: async (trialId, step, value) => this.decide(trialId, step, value),
      current: (trialId) => this.state.trial(trialId) as FrozenTrial,
    };
  }

  private async decide(trialId: number, step: number, value: number): Promise<Decision> {
    await this.refresh();
    const trial = this.state.trial(trialId) as FrozenTrial;
    if (trial.state !== 'running') return 'stop'; // failed meanwhile (a lost heartbeat): this run is over
    const decision = this.options.scheduler?.onReport(this.state, trial, step, value) ?? 'continue';
    if (decision === 'continue') return decision;
    await this.backend.append([{ op: 'state', trial: trialId, state: decision === 'pause' ? 'paused' : 'pruned', at: Date.now() }]);
    await this.refresh();
    return decision;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
