/**
 * URL of a module beside `base` (an `import.meta.url`) with base's own extension: `.ts` next to the
 * sources (vitest, tsx), `.js` in the compiled dist/. Threads and child processes are started from
 * module URLs, so they must name the file that exists in whichever tree is running.
 */
export function siblingModule(base: string, relativeName: string): URL {
  const extension = /\.[cm]?ts$/.test(new URL(base).pathname) ? '.ts' : '.js';
  return new URL(`${relativeName}${extension}`, base);
}
