/**
 * Runs one cell of a grid in a child `loom <command> <file> --out <out> --cell <id>` process (the
 * same program with the same loader flags), which stores the cell's result; a failure comes back
 * as one line naming the cell and the child's last line of stderr.
 */
import { spawn } from 'node:child_process';
import { LoomError } from '../../util/errors.js';

export function cellProcessRunner(command: string, gridFile: string, out: string, what: string): (cell: { readonly id: string }) => Promise<void> {
  return (cell) =>
    new Promise((done, fail) => {
      const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, command, gridFile, '--out', out, '--cell', cell.id], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', fail);
      child.on('exit', (code) => (code === 0 ? done() : fail(new LoomError(`${what}: cell ${cell.id} failed (exit ${code}): ${stderr.trim().split('\n').pop() ?? ''}`))));
    });
}
