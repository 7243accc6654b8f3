import type { Command } from 'commander';
import type { LoomConfig } from '../../config/schema.js';
import { LoomError, showValue } from '../../util/errors.js';

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description("evaluate a checkpoint on its dataset's test split")
    .argument('<checkpoint>', 'a checkpoint.ckpt written by loom train')
    .option('--data-dir <dir>', 'read the Fashion-MNIST IDX files from this directory instead')
    .option('--limit <n>', 'evaluate only the first N test examples', (v) => Number.parseInt(v, 10))
    .option('--backend <name>', 'compute backend: wasm or cpu')
    .option('--json', 'print one JSON object')
    .action(async (path: string, opts: { dataDir?: string; limit?: number; backend?: string; json?: boolean }) => {
      const [{ initBackend }, { loadDataset, withoutHoldOut }, { loadCheckpoint }, { evaluateModel }, { buildModel, readSavedConfig }] = await Promise.all([
        import('../../compute/index.js'),
        import('../../data/index.js'),
        import('../../train/checkpoint.js'),
        import('../../train/evaluate.js'),
        import('../../train/run.js'),
      ]);
      const ckpt = loadCheckpoint(path);
      const config = withDataDir(readSavedConfig(ckpt, path), opts.dataDir);
      const backend = opts.backend ?? config.backend;
      await initBackend(backend ? { backend } : {});
      // The test split itself, also for a run that evaluated on held-out training samples (a tuned trial's).
      const data = loadDataset(withoutHoldOut(config.data));
      const model = buildModel(config, data);
      model.params.set(ckpt.params);
      const result = evaluateModel(model, data.test, config.train.evalBatchSize, opts.limit ?? data.test.size);
      model.dispose();
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ checkpoint: path, step: ckpt.step, ...result })}\n`);
        return;
      }
      process.stdout.write(
        `${path}: ${config.model.type} at step ${ckpt.step} on ${data.test.name}: ` +
          `test loss ${result.loss.toFixed(4)}, test accuracy ${(100 * result.accuracy).toFixed(2)}% (${result.count} examples)\n`,
      );
    });
}

function withDataDir(config: LoomConfig, dir: string | undefined): LoomConfig {
  if (dir === undefined) return config;
  if (config.data.name !== 'fashion-mnist' && config.data.name !== 'fashion-mnist-subset') {
    throw new LoomError(`--data-dir applies to Fashion-MNIST checkpoints; this one was trained on ${showValue(config.data.name)}`);
  }
  return { ...config, data: { name: 'fashion-mnist', dir } };
}
