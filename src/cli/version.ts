import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The installed package's version (dist/cli/ and src/cli/ are both two levels below the root). */
export function packageVersion(): string {
  const path = fileURLToPath(new URL('../../package.json', import.meta.url));
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}
