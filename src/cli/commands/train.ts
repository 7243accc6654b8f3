import type { Command } from 'commander';
import { collect } from '../options.js';
import { loadConfig } from '../../config/load.js';
import { checkOutputDir } from '../output-dir.js';
import { addDistributedFlags, distributedOverrides, type DistributedFlags } from '../distributed-flags.js';

interface TrainFlags extends DistributedFlags {
  set: string[];
  resume?: string;
  out?: string;
  backend?: string;
  plain?: boolean;
}

export function registerTrain(program: Command): void {
  const command = program
    .command('train')
    .description('train a model from a YAML or JSON config')
    .argument('<config>', 'config file (.yaml, .yml or .json); see examples/')
    .option('-s, --set <key=value>', 'override a config key, e.g. --set optimizer.lr=0.05 (repeatable)', collect, [])
    .option('--resume <checkpoint>', 'continue from a checkpoint of the same model and optimizer')
    .option('--out <dir>', 'output directory for metrics.jsonl and checkpoint.ckpt (same as --set output.dir=DIR)')
    .option('--backend <name>', 'compute backend: wasm or cpu (same as --set backend=NAME)')
    .option('--plain', 'plain progress lines instead of a progress bar');
  addDistributedFlags(command)
    .action(async (file: string, opts: TrainFlags) => {
      const overrides = [...opts.set];
      if (opts.out) overrides.push(`output.dir=${JSON.stringify(opts.out)}`);
      if (opts.backend) overrides.push(`backend=${opts.backend}`);
      overrides.push(...distributedOverrides(opts));
      const config = loadConfig(file, overrides);
      checkOutputDir(config);
      const { runTraining } = await import('../run-training.js');
      await runTraining(config, {
        ...(opts.resume ? { resume: opts.resume } : {}),
        ...(opts.plain ? { plain: true } : {}),
      });
    });
}
