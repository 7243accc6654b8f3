#!/usr/bin/env node
// Entry point of the `loom` command: the compiled CLI lives in dist/ (built by `npm install`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli', 'main.js');
if (!existsSync(main)) {
  process.stderr.write('loom: the compiled CLI is missing (dist/cli/main.js); run `npm install` or `npm run build` first\n');
  process.exit(1);
}
await import(main);
