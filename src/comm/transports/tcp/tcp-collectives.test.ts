import { describe } from 'vitest';
import { defineCollectiveSuite } from '../../test-support/collective-suite.js';
import { tcpHarness } from '../../test-support/harnesses.js';

describe('collectives over the TCP transport (loopback, ranks in one process)', () => defineCollectiveSuite(tcpHarness));
