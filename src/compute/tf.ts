/**
 * The one place Loom loads TensorFlow.js. Other folders that need tensors (only nn/) import `tf`
 * from here, so the engine and its backends stay inside compute/ and nn/.
 *
 * Both packages are CommonJS bundles, loaded with `require`: an ESM `import` of them makes Node
 * lex the bundles, and all they re-export, for named exports first, which cost ~0.2 s in every
 * process and every worker thread (measured under Node 20) before the first step of any training.
 */
import { createRequire } from 'node:module';

// tsc compiles `import x = require()` in an ES module to a createRequire of its own, but tsx (which
// runs the sources in child processes and scripts) compiles it to a bare `require`, which an ES
// module lacks: this binds the name for it. It must come before the imports below.
const require = createRequire(import.meta.url);
import tf = require('@tensorflow/tfjs');
/** The wasm backend's module (it registers the backend on load). */
import tfWasm = require('@tensorflow/tfjs-backend-wasm');

export { tf, tfWasm };
