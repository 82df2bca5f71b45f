import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';

/**
 * The layers of `shared/` and what each may import (besides itself). Imports never point back up: the domain
 * and the event parsers import nothing of ours, adapters never reach the runtime, the simulator never reaches the
 * guard, and only `simulation/` (the guard wired to the simulator) sees both.
 */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  domain: [],
  events: [],
  'instance-types': ['domain'],
  ports: ['domain'],
  'node-gate': ['domain', 'events'],
  'use-cases': ['domain', 'events', 'node-gate', 'ports'],
  'adapters/aws': ['domain', 'instance-types', 'ports'],
  'adapters/memory': ['domain', 'ports'],
  'adapters/snapshot': ['adapters/aws', 'adapters/memory', 'domain', 'instance-types', 'ports'],
  'adapters/simulated': ['simulator'],
  simulator: ['domain', 'events', 'instance-types', 'node-gate'],
  runtime: ['adapters/aws', 'adapters/memory', 'domain', 'events', 'ports', 'use-cases'],
  simulation: [
    'adapters/memory',
    'adapters/simulated',
    'events',
    'ports',
    'runtime',
    'simulator',
    'use-cases',
  ],
};

const SHARED = join(process.cwd(), 'shared');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `domain`, `adapters/aws`, …: the layer of a path under shared/, or null outside it. */
function layerOf(path: string): string | null {
  const parts = relative(SHARED, path).split(sep);
  if (parts[0] === '..' || parts.length < 2) return null;
  return parts[0] === 'adapters' ? `adapters/${parts[1]}` : (parts[0] as string);
}

interface Import {
  readonly file: string;
  readonly from: string;
  readonly to: string;
}

const imports: Import[] = sourceFiles(SHARED).flatMap((file) => {
  const from = layerOf(file) as string;
  const specifiers = [...readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)].map((m) => m[1] as string);
  return specifiers.map((specifier) => ({
    file: relative(process.cwd(), file),
    from,
    to: layerOf(normalize(join(dirname(file), specifier))) ?? `outside shared/ (${specifier})`,
  }));
});

describe('layers of shared/', () => {
  it('know every layer that has source files', () => {
    const layers = new Set(sourceFiles(SHARED).map((f) => layerOf(f)));
    expect([...layers].filter((l) => l === null || !(l in ALLOWED))).toEqual([]);
  });

  it('import only the layers below them', () => {
    const upward = imports
      .filter((i) => i.to !== i.from && !(ALLOWED[i.from] ?? []).includes(i.to))
      .map((i) => `${i.file} (${i.from}) imports ${i.to}`);
    expect(upward).toEqual([]);
  });

  it('find the imports they check', () => {
    expect(imports.filter((i) => i.from === 'simulation' && i.to === 'runtime').length).toBeGreaterThan(0);
    expect(imports.filter((i) => i.from === 'runtime' && i.to === 'adapters/aws').length).toBeGreaterThan(0);
  });

  it('keep the domain free of the SDK, Node, the environment, the clock and randomness', () => {
    const impure = sourceFiles(join(SHARED, 'domain')).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return [
        /from '@aws-sdk/,
        /from 'node:/,
        /process\.env/,
        /Date\.now\(/,
        /new Date\(\)/,
        /Math\.random\(/,
      ]
        .filter((pattern) => pattern.test(text))
        .map((pattern) => `${relative(process.cwd(), file)}: ${pattern.source}`);
    });
    expect(impure).toEqual([]);
  });
});
