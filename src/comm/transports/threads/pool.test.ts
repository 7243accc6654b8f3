/**
 * Rank threads started from the compiled JavaScript (dist/, as `npm test` builds it before
 * vitest runs), with no TypeScript loader anywhere: the path a user of the package takes.
 * Under vitest itself the suite starts workers from the .ts sources through tsx (see
 * threads-collectives.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIST = fileURLToPath(new URL('../../../../dist/comm/', import.meta.url));
const built = existsSync(`${DIST}index.js`) && existsSync(`${DIST}transports/threads/worker-main.js`);

describe('ThreadPool from the built dist/', () => {
  it.skipIf(!built)('runs a program on two rank threads from plain node, without tsx', () => {
    const script = `
      import { runOnThreads } from ${JSON.stringify(`${DIST}index.js`)};
      const rows = await runOnThreads(2, { module: new URL(${JSON.stringify(`file://${DIST}allreduce-timing.js`)}), exportName: 'timeAllReduce' },
        { sizes: [4096, 1 << 20], minSeconds: 0.01, minIterations: 2, maxIterations: 5 });
      console.log(JSON.stringify(rows.map((r) => r.map((x) => x.bytes))));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(JSON.parse(out.trim())).toEqual([
      [4096, 1 << 20],
      [4096, 1 << 20],
    ]);
  });
});
