import { describe } from 'vitest';
import { defineCollectiveSuite } from '../../test-support/collective-suite.js';
import { threadsHarness } from '../../test-support/harnesses.js';

describe('collectives over the threads transport (one worker_thread per rank)', () => defineCollectiveSuite(threadsHarness, { sharedMemory: true }));
