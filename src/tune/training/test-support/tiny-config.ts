/** The config the training-objective tests tune: a small MLP on the embedded Fashion-MNIST subset (no train section). */
export const tinyTrainingConfig = {
  seed: 3,
  data: { name: 'fashion-mnist-subset' },
  model: { type: 'mlp', hidden: [32] },
  optimizer: { type: 'sgd', lr: 0.05, momentum: 0.9 },
  schedule: { type: 'cosine' },
} as const;
