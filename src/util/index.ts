export { LoomError, showValue } from './errors.js';
export { Rng } from './rng.js';
export { writeFileAtomic } from './atomic-file.js';
export { ensureWritableDir, makeDirectory } from './output-dir.js';
