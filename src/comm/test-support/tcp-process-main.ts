/**
 * One TCP rank as its own process, for the multi-process test. Protocol with the parent
 * (a stand-in for rendezvous): print {"port"} once listening, read {"addresses","cases"} from
 * stdin, run the cases, print {"passed"}.
 * Usage: node --import tsx tcp-process-main.ts RANK
 */
import { createInterface } from 'node:readline';
import { listenTcp } from '../transports/tcp/listener.js';
import { connectTcpTransport } from '../transports/tcp/tcp-transport.js';
import { runCollectiveCases, type CasesRun } from './rank-program.js';

const rank = Number(process.argv[2]);
// Listening (and queueing early connections) before the address is published.
const listener = await listenTcp('127.0.0.1', 0);
process.stdout.write(`${JSON.stringify({ port: Number(listener.address.split(':')[1]) })}\n`);
const lines = createInterface({ input: process.stdin });
const first = await new Promise<string>((resolve) => lines.once('line', resolve));
lines.close();
const { addresses, cases } = JSON.parse(first) as { addresses: string[] } & CasesRun;
const transport = await connectTcpTransport({ rank, addresses, listener });
listener.close();
const passed = await runCollectiveCases(transport, { cases });
await transport.close();
process.stdout.write(`${JSON.stringify({ passed, pid: process.pid })}\n`);
