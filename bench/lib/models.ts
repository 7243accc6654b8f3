/** The model specs the data-parallel benches train, as the PyTorch peers build them (torch_ddp.py, compress_torch.py). */
export const BENCH_MODELS = { mlp: { type: 'mlp', hidden: [256, 256] }, cnn: { type: 'cnn', channels: [6, 16], hidden: [120, 84] } } as const;
export type BenchModel = keyof typeof BENCH_MODELS;
