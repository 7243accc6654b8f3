/**
 * A real PostgreSQL server for tests: a fresh cluster (initdb) in a temporary directory, started
 * with pg_ctl on a free port, trust authentication on 127.0.0.1 only, stopped and deleted after.
 * As root it runs as the `postgres` user (the server refuses root). Where the binaries or that
 * user are missing, `startPostgres` returns the reason instead, for the tests to skip with it.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PostgresServer {
  readonly url: string;
  stop(): void;
}

function findBin(name: string): string | null {
  const roots = ['/usr/lib/postgresql'];
  for (const root of roots) {
    if (!existsSync(root)) continue;
    for (const version of readdirSync(root).sort().reverse()) {
      const path = join(root, version, 'bin', name);
      if (existsSync(path)) return path;
    }
  }
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export async function startPostgres(): Promise<PostgresServer | string> {
  const initdb = findBin('initdb');
  const pgCtl = findBin('pg_ctl');
  if (!initdb || !pgCtl) return 'PostgreSQL server binaries (initdb, pg_ctl) are not installed (Debian: apt-get install postgresql)';
  const root = process.getuid?.() === 0;
  let uid: number | undefined;
  let gid: number | undefined;
  if (root) {
    try {
      uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
      gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    } catch {
      return 'running as root and there is no postgres user to run the server as';
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'loom-pg-'));
  const data = join(dir, 'data');
  if (root) chownSync(dir, uid as number, gid as number);
  const run = (file: string, args: string[]): void => {
    execFileSync(file, args, { stdio: 'pipe', timeout: 60_000, ...(root ? { uid, gid } : {}), env: { ...process.env, LC_ALL: 'C' } });
  };
  const port = await freePort();
  try {
    run(initdb, ['-D', data, '-U', 'loom', '--auth=trust', '--no-sync', '-E', 'UTF8']);
    run(pgCtl, ['-D', data, '-w', '-t', '30', '-l', join(dir, 'server.log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const detail = (error as { stderr?: Buffer }).stderr?.toString().trim().split('\n').pop() ?? (error as Error).message;
    return `PostgreSQL did not start: ${detail}`;
  }
  return {
    url: `postgresql://loom@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
