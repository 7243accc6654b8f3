/**
 * The one place Loom loads TensorFlow.js. Other folders that need tensors (only nn/) import `tf`
 * from here, so the engine and its backends stay inside compute/ and nn/.
 *
 * Both packages are CommonJS bundles, loaded with `require` (TypeScript emits `createRequire` for
 * `import x = require()` in an ES module): an ESM `import` of them makes Node lex the bundles, and
 * all they re-export, for named exports first, which cost ~0.2 s in every process and every worker
 * thread (measured under Node 20) before the first step of any training.
 */
import tf = require('@tensorflow/tfjs');
/** The wasm backend's module (it registers the backend on load). */
import tfWasm = require('@tensorflow/tfjs-backend-wasm');

export { tf, tfWasm };
