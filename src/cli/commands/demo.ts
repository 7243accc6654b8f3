import type { Command } from 'commander';
import { collect } from '../options.js';
import { validateConfig, applyOverrides } from '../../config/load.js';
import { checkOutputDir } from '../output-dir.js';
import { addDistributedFlags, distributedOverrides, type DistributedFlags } from '../distributed-flags.js';

/**
 * The embedded default job: an MLP on the real Fashion-MNIST subset shipped in the repository,
 * so a fresh clone trains without downloads or servers.
 */
export const DEMO_CONFIG = {
  name: 'demo: MLP on the shipped Fashion-MNIST subset',
  seed: 1,
  data: { name: 'fashion-mnist-subset' },
  model: { type: 'mlp', hidden: [256, 256] },
  optimizer: { type: 'sgd', lr: 0.05, momentum: 0.9, nesterov: true },
  schedule: { type: 'cosine', warmupSteps: 50 },
  train: { epochs: 8, batchSize: 64, logEvery: 50 },
} as const;

export function registerDemo(program: Command): void {
  const command = program
    .command('demo')
    .description('train an MLP on the Fashion-MNIST subset shipped with Loom and print test accuracy')
    .option('-s, --set <key=value>', 'override a key of the demo config, e.g. --set train.epochs=2 (repeatable)', collect, [])
    .option('--out <dir>', 'write metrics.jsonl and checkpoint.ckpt to this directory')
    .option('--plain', 'plain progress lines instead of a progress bar');
  addDistributedFlags(command)
    .action(async (opts: { set: string[]; out?: string; plain?: boolean } & DistributedFlags) => {
      const overrides = [...opts.set, ...distributedOverrides(opts)];
      if (opts.out) overrides.push(`output.dir=${JSON.stringify(opts.out)}`);
      const config = validateConfig(applyOverrides(DEMO_CONFIG, overrides));
      checkOutputDir(config);
      const { runTraining } = await import('../run-training.js');
      await runTraining(config, opts.plain ? { plain: true } : {});
    });
}
