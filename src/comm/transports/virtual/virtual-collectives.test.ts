import { describe } from 'vitest';
import { defineCollectiveSuite } from '../../test-support/collective-suite.js';
import { virtualHarness } from '../../test-support/harnesses.js';

describe('collectives over the virtual transport', () => defineCollectiveSuite(virtualHarness));
