/** What the data-producing scripts (make-subset, make-text) share: flag parsing and the entry guard. */
import { pathToFileURL } from 'node:url';

/** The value after `flag` in `argv`, if the flag is there. */
export function flagValue(argv: readonly string[], flag: string): string | undefined {
  const at = argv.indexOf(flag);
  return at >= 0 ? argv[at + 1] : undefined;
}

/**
 * Runs `main` on the command-line arguments when the module at `moduleUrl` (its `import.meta.url`)
 * is the script node was started with; an error is printed as `${name}: message`, exit code 1.
 */
export function runIfScript(moduleUrl: string, name: string, main: (argv: readonly string[]) => void): void {
  if (process.argv[1] !== undefined && moduleUrl === pathToFileURL(process.argv[1]).href) {
    try {
      main(process.argv.slice(2));
    } catch (err) {
      process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    }
  }
}
