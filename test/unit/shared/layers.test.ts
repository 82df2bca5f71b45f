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
  /** The imported file, relative to the project (`.ts`). */
  readonly target: string;
}

const files = sourceFiles(SHARED);

const imports: Import[] = files.flatMap((file) => {
  const from = layerOf(file) as string;
  const specifiers = [...readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)].map((m) => m[1] as string);
  return specifiers.map((specifier) => {
    const target = normalize(join(dirname(file), specifier));
    return {
      file: relative(process.cwd(), file),
      from,
      to: layerOf(target) ?? `outside shared/ (${specifier})`,
      target: relative(process.cwd(), target).replace(/\.js$/, '.ts'),
    };
  });
});

describe('layers of shared/', () => {
  it('know every layer that has source files', () => {
    const layers = new Set(files.map((f) => layerOf(f)));
    expect([...layers].filter((l) => l === null || !(l in ALLOWED))).toEqual([]);
  });

  it('import only the layers below them', () => {
    const upward = imports
      .filter((i) => i.to !== i.from && !(ALLOWED[i.from] ?? []).includes(i.to))
      .map((i) => `${i.file} (${i.from}) imports ${i.to}`);
    expect(upward).toEqual([]);
  });

  it('hold no import cycle, type-only imports included', () => {
    const edges = new Map<string, string[]>();
    for (const i of imports) edges.set(i.file, [...(edges.get(i.file) ?? []), i.target]);
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const next of edges.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of [...edges.keys()].sort()) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('find the imports they check', () => {
    expect(imports.filter((i) => i.from === 'simulation' && i.to === 'runtime').length).toBeGreaterThan(0);
    expect(imports.filter((i) => i.from === 'runtime' && i.to === 'adapters/aws').length).toBeGreaterThan(0);
  });

  it('keep the domain free of the SDK, Node, the environment, the clock and randomness', () => {
    const impure = files
      .filter((file) => layerOf(file) === 'domain')
      .flatMap((file) => {
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
