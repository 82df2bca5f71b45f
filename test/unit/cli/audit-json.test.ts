import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCapacityGuard } from '../../helpers/cli.js';

const EXAMPLE = 'examples/snapshot';
const SCATTERED = 'test/fixtures/snapshots/scattered';
/** Objects whose keys are data (CNI variable names, node group names), not part of the layout. */
const OPEN_OBJECTS = new Set([
  'recommendations[].effect.settings',
  'recommendations[].effect.ipsFreedPerNode',
  'recommendations[].effect.maxPodsAfter',
  'recommendations[].effect.headroomNodes',
]);

interface DocumentedKey {
  readonly path: string;
  readonly optional: boolean;
}

/** The key tables of docs/audit-json.md: rows such as "| `subnets[].cidr` | string | … |". */
async function documentedKeys(): Promise<DocumentedKey[]> {
  const doc = await readFile(new URL('../../../docs/audit-json.md', import.meta.url), 'utf8');
  return [...doc.matchAll(/^\| `([A-Za-z[\].]+)` \|(.*)$/gm)].map((m) => ({
    path: m[1] ?? '',
    optional: /\boptional\b/.test(m[2] ?? ''),
  }));
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every object of the document with its path in the docs' notation ('' for the top level, 'subnets[]'). */
function objectsByPath(value: unknown, path = '', out: [string, Record<string, unknown>][] = []) {
  if (Array.isArray(value)) {
    for (const element of value) objectsByPath(element, `${path}[]`, out);
  } else if (isObject(value) && !OPEN_OBJECTS.has(path)) {
    out.push([path, value]);
    for (const [key, child] of Object.entries(value))
      objectsByPath(child, path === '' ? key : `${path}.${key}`, out);
  }
  return out;
}

async function auditJson(...argv: string[]) {
  const run = await runCapacityGuard('audit', ...argv, '--json');
  expect(run.stderr).toBe('');
  return { code: run.code, report: JSON.parse(run.stdout) as Record<string, unknown> };
}

/** The example account with every subnet grown to a /16: nothing is short, the worst finding is OK. */
async function roomySnapshot(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'audit-roomy-'));
  await cp(EXAMPLE, dir, { recursive: true });
  const file = join(dir, 'describe-subnets.json');
  const subnets = JSON.parse(await readFile(file, 'utf8')) as {
    Subnets: { CidrBlock: string; AvailableIpAddressCount: number }[];
  };
  for (const subnet of subnets.Subnets) {
    subnet.CidrBlock = '10.20.0.0/16';
    subnet.AvailableIpAddressCount = 65_000;
  }
  await writeFile(file, JSON.stringify(subnets));
  return dir;
}

describe('capacity-guard audit --json', () => {
  it('every object carries each documented key, and only documented keys', async () => {
    // Prepare
    const keys = await documentedKeys();
    const reports = [
      (await auditJson('--snapshot', EXAMPLE)).report,
      (await auditJson('--snapshot', SCATTERED)).report,
    ];
    const objects = reports.flatMap((report) => objectsByPath(report));
    const childrenOf = (parent: string) =>
      keys.filter((k) => {
        const rest =
          parent === '' ? k.path : k.path.startsWith(`${parent}.`) ? k.path.slice(parent.length + 1) : null;
        return rest !== null && !rest.includes('.') && !(parent === '' && rest.includes('[]'));
      });

    // Assess: the documentation covers real output: arrays that matter are not empty
    expect(keys.length).toBeGreaterThan(40);
    for (const name of ['subnets', 'nodeGroups', 'alerts', 'recommendations']) {
      expect(objects.some(([path]) => path === `${name}[]`)).toBe(true);
    }
    for (const [path, object] of objects) {
      const documented = childrenOf(path);
      const name = (k: DocumentedKey) => k.path.slice(path === '' ? 0 : path.length + 1);
      expect({ path, keys: Object.keys(object).sort() }).toEqual({
        path,
        keys: expect.arrayContaining(documented.filter((k) => !k.optional).map(name)),
      });
      expect({
        path,
        undocumented: Object.keys(object).filter((key) => !documented.map(name).includes(key)),
      }).toEqual({
        path,
        undocumented: [],
      });
    }
  });

  it('carries what the text report shows: recommendations, alerts with titles, per-group headroom', async () => {
    const { report } = await auditJson('--snapshot', EXAMPLE);
    const text = (await runCapacityGuard('audit', '--snapshot', EXAMPLE)).stdout;
    const { recommendations, alerts, nodeGroups } = report as {
      recommendations: { title: string; detail: string }[];
      alerts: { title: string }[];
      nodeGroups: { name: string; headroomNodes: number | null; headroomNodesAtBoot: number | null }[];
    };
    expect(recommendations.length).toBeGreaterThan(0);
    for (const r of recommendations) expect(text).toContain(r.title);
    for (const a of alerts) expect(text).toContain(a.title);
    for (const g of nodeGroups)
      expect(text).toMatch(
        new RegExp(`^${g.name}\\s.*\\s${g.headroomNodes}\\s+${g.headroomNodesAtBoot}\\s`, 'm'),
      );
    expect(text).toContain(`Worst finding: ${report.worstSeverity}`);
  });
});

describe('capacity-guard audit --fail-on', () => {
  let roomy: string;
  beforeAll(async () => {
    roomy = await roomySnapshot();
  });
  afterAll(async () => {
    await rm(roomy, { recursive: true, force: true });
  });

  it.each([
    [EXAMPLE, 'warning', 3],
    [EXAMPLE, 'critical', 3],
    ['roomy', 'warning', 0],
    ['roomy', 'critical', 0],
  ])('%s --fail-on %s exits %i after printing the report', async (source, level, code) => {
    const dir = source === 'roomy' ? roomy : source;
    const run = await auditJson('--snapshot', dir, '--fail-on', level);
    expect(run.report.worstSeverity).toBe(source === 'roomy' ? 'OK' : 'CRITICAL');
    expect(run.code).toBe(code);
  });

  it('exits 0 on a CRITICAL finding without --fail-on', async () => {
    const run = await auditJson('--snapshot', EXAMPLE);
    expect(run.report.worstSeverity).toBe('CRITICAL');
    expect(run.code).toBe(0);
  });

  it('rejects an unknown level with exit 2', async () => {
    const run = await runCapacityGuard('audit', '--snapshot', EXAMPLE, '--fail-on', 'error');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "capacity-guard --fail-on: 'error' is not a severity (expected warning or critical)\n",
    );
  });
});
