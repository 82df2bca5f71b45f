import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'eks-capacity-guard';

/** Directory holding package.json, found by walking up from this module (works from dist/ too). */
export function packageRoot(start = dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'scenarios'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

let version: string | undefined;

/** The `version` of this package's package.json, read once; `unknown` when it cannot be found. */
export function packageVersion(root = packageRoot()): string {
  if (version !== undefined) return version;
  try {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      name?: unknown;
      version?: unknown;
    };
    version =
      manifest.name === PACKAGE_NAME && typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    version = 'unknown';
  }
  return version;
}
