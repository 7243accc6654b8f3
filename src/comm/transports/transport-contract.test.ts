import { describe } from 'vitest';
import { defineTransportSuite } from '../test-support/transport-suite.js';
import { createTcpWorld } from '../test-support/harnesses.js';
import { createThreadsDescriptor } from './threads/descriptor.js';
import { attachThreadsTransport } from './threads/threads-transport.js';
import { createVirtualTransports } from './virtual/virtual-transport.js';

describe('virtual transport contract', () => defineTransportSuite(async (size) => createVirtualTransports(size)));

// All ranks attached in this one thread: the transport only ever waits asynchronously, so this
// works, and small rings force wrap-around and back-pressure on every large message.
describe('threads transport contract (ranks in one thread, 4 KiB rings)', () =>
  defineTransportSuite(async (size) => {
    const descriptor = createThreadsDescriptor(size, { ringBytes: 4096, chunkBytes: 1024, spinMicros: 0 });
    return Array.from({ length: size }, (_, rank) => attachThreadsTransport(descriptor, rank));
  }));

describe('TCP transport contract (loopback)', () => defineTransportSuite((size) => createTcpWorld(size)));
