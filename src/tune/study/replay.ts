/**
 * The state of a study rebuilt from its journal: every process replaying the same entries
 * reaches the same trials, states and values. The rules keep replay order-proof against races
 * between workers: a trial's first finish wins (a late "complete" from a worker whose trial was
 * already marked failed for a lost heartbeat is ignored), a parameter keeps its first value, and
 * only a paused or waiting trial can be (re)started.
 */
import { LoomError } from '../../util/errors.js';
import type { Distribution, ParamValue } from '../space/distribution.js';
import type { JournalEntry } from './journal.js';
import { FINISHED_STATES, type Direction, type FrozenTrial, type StudyView, type TrialState } from './trial.js';

interface TrialRecord {
  id: number;
  number: number;
  state: TrialState;
  params: Record<string, ParamValue>;
  distributions: Record<string, Distribution>;
  value: number | null;
  intermediate: Map<number, number>;
  attrs: Record<string, unknown>;
  startedAt: number;
  finishedAt: number | null;
  heartbeatAt: number;
  /** The snapshot handed out, until the record changes. */
  frozen: FrozenTrial | null;
}

export class StudyState implements StudyView {
  name = '';
  direction: Direction = 'minimize';
  /** The seq of the last entry applied. */
  lastSeq = 0;
  private readonly records: TrialRecord[] = [];
  private readonly byId = new Map<number, TrialRecord>();

  apply(entries: readonly JournalEntry[]): void {
    for (const entry of entries) {
      if (entry.seq !== this.lastSeq + 1) {
        throw new LoomError(`study journal is out of order: entry ${entry.seq} follows ${this.lastSeq} (a damaged store?)`);
      }
      this.applyOne(entry);
      this.lastSeq = entry.seq;
    }
  }

  trials(states?: readonly TrialState[]): readonly FrozenTrial[] {
    const out: FrozenTrial[] = [];
    for (const record of this.records) if (!states || states.includes(record.state)) out.push(freeze(record));
    return out;
  }

  trial(id: number): FrozenTrial | null {
    const record = this.byId.get(id);
    return record ? freeze(record) : null;
  }

  private applyOne({ seq, op }: JournalEntry): void {
    if (op.op === 'study') {
      if (seq === 1) {
        this.name = op.name;
        this.direction = op.direction;
      }
      return;
    }
    if (op.op === 'create') {
      const record: TrialRecord = {
        id: seq,
        number: this.records.length,
        state: op.waiting ? 'waiting' : 'running',
        params: {},
        distributions: {},
        value: null,
        intermediate: new Map(),
        attrs: op.waiting ? { ...op.attrs } : { ...op.attrs, worker: op.worker },
        startedAt: op.at,
        finishedAt: null,
        heartbeatAt: op.at,
        frozen: null,
      };
      for (const [name, { distribution, value }] of Object.entries(op.params)) {
        record.params[name] = value;
        record.distributions[name] = distribution;
      }
      this.records.push(record);
      this.byId.set(seq, record);
      return;
    }
    const record = this.byId.get(op.trial);
    if (!record) throw new LoomError(`study journal entry ${seq} refers to trial ${op.trial}, which does not exist (a damaged store?)`);
    const finished = FINISHED_STATES.includes(record.state);
    switch (op.op) {
      case 'param':
        if (!finished && !(op.name in record.params)) {
          record.params[op.name] = op.value;
          record.distributions[op.name] = op.distribution;
        }
        break;
      case 'report':
        if (finished) return;
        record.intermediate.set(op.step, op.value);
        record.heartbeatAt = Math.max(record.heartbeatAt, op.at);
        break;
      case 'state':
        if (finished) return;
        if (op.state === 'running') {
          if (record.state !== 'paused' && record.state !== 'waiting') return; // nobody else's running trial
          if (op.worker) record.attrs = { ...record.attrs, worker: op.worker };
          record.heartbeatAt = op.at;
        }
        record.state = op.state;
        if (op.state === 'complete') record.value = op.value ?? null;
        if (FINISHED_STATES.includes(op.state)) record.finishedAt = op.at;
        break;
      case 'attrs':
        record.attrs = { ...record.attrs, ...op.attrs };
        break;
      case 'heartbeat':
        record.heartbeatAt = Math.max(record.heartbeatAt, op.at);
        break;
    }
    record.frozen = null;
  }
}

function freeze(record: TrialRecord): FrozenTrial {
  if (!record.frozen) {
    record.frozen = Object.freeze({
      id: record.id,
      number: record.number,
      state: record.state,
      params: Object.freeze({ ...record.params }),
      distributions: Object.freeze({ ...record.distributions }),
      value: record.value,
      intermediate: new Map(record.intermediate),
      attrs: Object.freeze({ ...record.attrs }),
      startedAt: record.startedAt,
      finishedAt: record.finishedAt,
      heartbeatAt: record.heartbeatAt,
    });
  }
  return record.frozen;
}
