import { describe, expect, it } from 'vitest';
import { parseTuneFile } from './tune-file.js';

const base = { name: 's', objective: { type: 'function', name: 'branin' }, trials: 3 };

describe('tune file: heartbeat and a function objective’s delay', () => {
  it('defaults to a 60 s heartbeat timeout, one retry and no delay', () => {
    const file = parseTuneFile(base);
    expect(file.heartbeat).toEqual({ staleAfterSeconds: 60, retries: 1 });
    expect(file.objective).toEqual({ type: 'function', name: 'branin', delayMs: 0 });
  });

  it('takes either heartbeat option alone, the other at its default', () => {
    expect(parseTuneFile({ ...base, heartbeat: { staleAfterSeconds: 2.5 } }).heartbeat).toEqual({ staleAfterSeconds: 2.5, retries: 1 });
    expect(parseTuneFile({ ...base, heartbeat: { retries: 0 } }).heartbeat).toEqual({ staleAfterSeconds: 60, retries: 0 });
    expect(parseTuneFile({ ...base, objective: { ...base.objective, delayMs: 250 } }).objective).toMatchObject({ delayMs: 250 });
  });

  it('refuses a bad heartbeat or delay in one line naming the key and the value', () => {
    expect(() => parseTuneFile({ ...base, heartbeat: { staleAfterSeconds: 0 } })).toThrow(/^config key heartbeat\.staleAfterSeconds = 0 is invalid: /);
    expect(() => parseTuneFile({ ...base, heartbeat: { retries: 1.5 } })).toThrow(/^config key heartbeat\.retries = 1\.5 is invalid: /);
    expect(() => parseTuneFile({ ...base, heartbeat: { retries: -1 } })).toThrow(/^config key heartbeat\.retries = -1 is invalid: /);
    expect(() => parseTuneFile({ ...base, heartbeat: { staleAfter: 5 } })).toThrow(/^unknown config key heartbeat\.staleAfter$/);
    expect(() => parseTuneFile({ ...base, objective: { ...base.objective, delayMs: -5 } })).toThrow(/^config key objective\.delayMs = -5 is invalid: /);
  });
});

describe('tune file: where trials run', () => {
  it('runs them on threads unless told processes; anything else is refused naming the value', () => {
    expect(parseTuneFile(base).workerMode).toBe('threads');
    expect(parseTuneFile({ ...base, workerMode: 'processes' }).workerMode).toBe('processes');
    expect(() => parseTuneFile({ ...base, workerMode: 'procs' })).toThrow(/^config key workerMode = "procs" is invalid: .*threads.*processes/);
  });
});
