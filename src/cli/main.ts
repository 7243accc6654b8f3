/**
 * The `loom` command. Each subcommand lives in commands/; this file wires them and turns errors
 * into one line on stderr and a non-zero exit.
 */
import { Command, CommanderError } from 'commander';
import { LoomError } from '../util/errors.js';
import { registerTrain } from './commands/train.js';
import { registerEval } from './commands/eval.js';
import { registerInfo } from './commands/info.js';
import { registerDemo } from './commands/demo.js';
import { registerSample } from './commands/sample.js';
import { registerWorker } from './commands/worker.js';
import { registerRobust } from './commands/robust.js';
import { registerGrid } from './commands/grid.js';
import { registerTune } from './commands/tune.js';
import { registerTimeline } from './commands/timeline.js';
import { packageVersion } from './version.js';

// A reader that stops early (`loom --help | head`) closes the pipe: that ends the output, not in a crash.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

const program = new Command()
  .name('loom')
  .description('Loom: distributed machine-learning training on Node.js')
  .version(packageVersion())
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerDemo(program);
registerTrain(program);
registerEval(program);
registerSample(program);
registerWorker(program);
registerRobust(program);
registerGrid(program);
registerTune(program);
registerTimeline(program);
registerInfo(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportError(err);
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // Commander has already printed its message (or the help/version text).
    return err.exitCode;
  }
  if (err instanceof LoomError) {
    process.stderr.write(`loom: ${err.message}\n`);
    return 1;
  }
  const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
  process.stderr.write(`loom: unexpected error: ${message}\n`);
  if (process.env.LOOM_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  return 2;
}
