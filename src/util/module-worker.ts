/**
 * Starts a worker thread on a module given by URL, from the TypeScript sources or the compiled
 * dist/ alike: for a .ts module (vitest, tsx) the thread first registers tsx's ESM loader through
 * a small bootstrap; a .js module loads directly.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export const isTypeScriptModule = (url: string): boolean => /\.[cm]?ts$/.test(new URL(url).pathname);

/** A thread running `main`; `typescript` forces tsx's loader (needed when it will import .ts modules). */
export function startModuleWorker(main: URL, typescript = isTypeScriptModule(main.href)): Worker {
  const execArgv = workerExecArgv(process.execArgv);
  if (!typescript) return new Worker(main, { execArgv });
  const bootstrap =
    `import(${JSON.stringify(tsxModuleUrl('tsx/esm/api'))}).then((api) => { api.register(); return import(${JSON.stringify(main.href)}); })` +
    `.catch((error) => { setImmediate(() => { throw error; }); });`;
  return new Worker(bootstrap, { eval: true, execArgv });
}

/** The parent's node flags minus those about its own entry script, which workers refuse. */
export function workerExecArgv(parent: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < parent.length; i++) {
    const arg = parent[i];
    if (arg === '-e' || arg === '--eval' || arg === '-p' || arg === '--print') i++;
    else if (!arg.startsWith('--input-type') && !arg.startsWith('--eval=') && !arg.startsWith('--print=')) out.push(arg);
  }
  return out;
}

/** URL of one of tsx's entries (`tsx/esm/api`: its `register()`; `tsx/esm`: its loader, for --import), resolved from this package. */
export function tsxModuleUrl(specifier: 'tsx/esm/api' | 'tsx/esm'): string {
  const resolve = (import.meta as { resolve?: (specifier: string) => string }).resolve;
  if (typeof resolve === 'function') {
    try {
      return resolve(specifier);
    } catch {
      // fall through to the CommonJS resolver
    }
  }
  const cjs = createRequire(import.meta.url).resolve(specifier);
  return pathToFileURL(cjs.replace(/\.cjs$/, '.mjs')).href;
}
