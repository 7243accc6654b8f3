/**
 * Starts a child Node process on a module given by URL, from the TypeScript sources or the
 * compiled dist/ alike (a .ts module gets tsx's loader), with an IPC channel that carries
 * structured clones (NaN, typed arrays) as a worker thread's messages do. The child shares this
 * process's stdout and stderr and reads no stdin.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isTypeScriptModule, tsxModuleUrl, workerExecArgv } from './module-worker.js';

export function startModuleProcess(main: URL): ChildProcess {
  const execArgv = workerExecArgv(process.execArgv);
  // Started under tsx already (its flags are among ours), the child inherits its loader with them.
  if (isTypeScriptModule(main.href) && !execArgv.some((arg) => arg.includes('tsx'))) execArgv.push('--import', tsxModuleUrl('tsx/esm'));
  return fork(fileURLToPath(main), [], { execArgv, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}
