/**
 * Loom as a library, for a TensorFlow.js model of your own: choose the backend (wasm, with Loom's
 * native kernels registered into it where the addon is built) and call Loom's fused ops on your
 * own tensors. They are tfjs ops with registered gradients, so `tf.grads`, `tf.variableGrads` and
 * optimizers work through them; on the wasm backend with the addon they run one native kernel
 * each way (`LoomDense`/`LoomDenseGrad`, `LoomAffineNorm`/`LoomAffineNormGrad`, softmax
 * cross-entropy), elsewhere the same maths composed from tfjs ops.
 */
export { initBackend, dense, affineNorm, softmaxCrossEntropyLoss, type DenseActivation } from './compute/index.js';
export { nativeKernels, nativeStatus } from './native/addon.js';
