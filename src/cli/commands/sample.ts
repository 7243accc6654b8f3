import type { Command } from 'commander';
import { LoomError } from '../../util/errors.js';

export function registerSample(program: Command): void {
  program
    .command('sample')
    .description('generate text from a character-level language model checkpoint')
    .argument('<checkpoint>', 'a checkpoint.ckpt of a transformer trained on text (e.g. examples/charlm.yaml)')
    .option('-p, --prompt <text>', 'text to continue', 'The ')
    .option('-n, --length <chars>', 'characters to generate', (v) => Number.parseInt(v, 10), 400)
    .option('-t, --temperature <t>', 'sampling temperature (0: always the most likely character)', Number.parseFloat, 0.8)
    .option('-k, --top-k <k>', 'sample among the k most likely characters (0: all)', (v) => Number.parseInt(v, 10), 0)
    .option('--seed <n>', 'random seed', (v) => Number.parseInt(v, 10), 1)
    .action(async (path: string, opts: { prompt: string; length: number; temperature: number; topK: number; seed: number }) => {
      const [{ initBackend }, { Vocabulary }, { createModel }, { generateTokens }, { loadCheckpoint }, { readSavedConfig }] = await Promise.all([
        import('../../compute/index.js'),
        import('../../data/index.js'),
        import('../../nn/index.js'),
        import('../../nn/generate.js'),
        import('../../train/checkpoint.js'),
        import('../../train/run.js'),
      ]);
      const ckpt = loadCheckpoint(path);
      const config = readSavedConfig(ckpt, path);
      if (config.data.name !== 'text' || ckpt.extra?.vocabulary === undefined) {
        throw new LoomError(`checkpoint ${path} is not a character-level language model (trained on ${config.data.name})`);
      }
      if (!Number.isInteger(opts.length) || opts.length < 1) throw new LoomError(`--length must be a positive integer, got ${opts.length}`);
      const vocabulary = Vocabulary.fromJSON(ckpt.extra.vocabulary);
      await initBackend(config.backend ? { backend: config.backend } : {});
      // The model is rebuilt from the checkpoint alone: no need for the training text here.
      const model = createModel(config.model, { inputShape: [config.data.context], numClasses: vocabulary.size, seed: config.seed });
      model.params.set(ckpt.params);
      const generated = generateTokens(model, vocabulary.encode(opts.prompt), {
        length: opts.length,
        temperature: opts.temperature,
        topK: opts.topK,
        seed: opts.seed,
      });
      model.dispose();
      process.stdout.write(`${opts.prompt}${vocabulary.decode(generated)}\n`);
    });
}
