/** A model's tensors for the compressors' tests: [name, shape] in parameter order. */
export type Tensors = readonly (readonly [string, readonly number[]])[];

/** The 784-256-256-10 MLP (n = 269,322 in 6 tensors): weights [in, out], biases after each. */
export const MLP: Tensors = [
  ['fc1.weight', [784, 256]],
  ['fc1.bias', [256]],
  ['fc2.weight', [256, 256]],
  ['fc2.bias', [256]],
  ['fc3.weight', [256, 10]],
  ['fc3.bias', [10]],
];
