/**
 * The one place Loom imports TensorFlow.js. Other folders that need tensors (only nn/) import
 * `tf` from here, so the engine and its backends stay inside compute/ and nn/.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export { tf };
