import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type BuiltCli, buildCli, runBuiltCli } from '../../helpers/cli.js';

const STATIC_IMPORT = /^import\s+(?:[^;]*?\s+from\s+)?"(\.{1,2}\/[^"]+)";?/gm;
const DYNAMIC_IMPORT = /\bimport\("(\.{1,2}\/[^"]+)"\)/g;

/** Every file the entry loads before running a command: its static `import` closure. */
function staticClosure(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) {
      if (match[1]) visit(resolve(dirname(file), match[1]));
    }
  };
  visit(entry);
  return seen;
}

/** Every file the entry can ever load: static and dynamic imports, followed to the end. */
function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of [...text.matchAll(STATIC_IMPORT), ...text.matchAll(DYNAMIC_IMPORT)]) {
      if (match[1]) visit(resolve(dirname(file), match[1]));
    }
  };
  visit(entry);
  return seen;
}

/** The packages a bundled file holds, from the `// node_modules/<package>/…` comments esbuild writes. */
function bundledPackages(files: Iterable<string>): Set<string> {
  const packages = new Set<string>();
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(
      /^\/\/ .*node_modules\/((?:@[^/]+\/)?[^/]+)\//gm,
    )) {
      if (match[1]) packages.add(match[1]);
    }
  }
  return packages;
}

describe('the CLI bundle', () => {
  let cli: BuiltCli;
  beforeAll(() => {
    cli = buildCli();
  });
  afterAll(() => cli.remove());

  it('starts without the chart libraries or the AWS SDK: they sit in chunks loaded on demand', () => {
    // Prepare
    const entry = join(cli.root, 'dist', 'capacity-guard.js');
    const closure = staticClosure(entry);
    const lazy = [...reachable(entry)].filter((file) => !closure.has(file));

    // Act
    const atStart = bundledPackages(closure);
    const onDemand = bundledPackages(lazy);

    // Assess
    expect([...atStart].filter((name) => /^(vega|@aws-sdk\/|@smithy\/)/.test(name))).toEqual([]);
    expect([...onDemand]).toEqual(expect.arrayContaining(['vega', 'vega-lite', '@aws-sdk/client-ec2']));
  });

  it('audits a snapshot without loading the AWS SDK: the snapshot loader shares only type-free mappers', () => {
    const entry = join(cli.root, 'dist', 'capacity-guard.js');
    const lazy = [...reachable(entry)];
    // The chunk holding the snapshot loader names its files (SnapshotFile in load-aws-cli-snapshot.ts).
    const snapshotChunks = lazy.filter((file) =>
      readFileSync(file, 'utf8').includes('describe-network-interfaces.json'),
    );
    expect(snapshotChunks.length).toBeGreaterThan(0);
    const loaded = bundledPackages(snapshotChunks.flatMap((file) => [...staticClosure(file)]));
    expect([...loaded].filter((name) => /^(@aws-sdk\/|@smithy\/)/.test(name))).toEqual([]);
  });

  it('a command that loads chunks on demand still runs from the built files', async () => {
    const run = await runBuiltCli(cli, ['audit', '--snapshot', 'examples/snapshot', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toHaveProperty('subnets');
  });
});
