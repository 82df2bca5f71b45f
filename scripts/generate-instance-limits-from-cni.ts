/**
 * Builds the bundled EC2 instance-limits table from the VPC CNI's own limits table.
 *
 *   node --import tsx scripts/generate-instance-limits-from-cni.ts
 *     (--cni-repo GIT_DIR [--cni-rev REV] | --go-file FILE --cni-commit SHA)
 *     [--endpoint URL | --region R] [--complement FILE] [--generated-at ISO] [--out-json FILE] [--out-module FILE]
 *
 * ENIs of the default network card, IPv4 per ENI, hypervisor and bare metal come from aws/amazon-vpc-cni-k8s
 * `pkg/vpc/vpc_ip_resource_limit.go` (read from a git directory at REV, default HEAD, or from a file with its
 * commit given); the commit is written into both outputs. That table has no vCPUs: they come from EC2
 * DescribeInstanceTypes when --endpoint or --region is given, else from the complement, else stay null.
 * Parsing and merging live in shared/instance-types/cni-resource-limits.ts; this script only does I/O.
 */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { InstanceLimits } from '../shared/domain/instance-limits.js';
import {
  buildCniLimitsTable,
  CNI_LIMITS_PATH,
  CNI_LIMITS_SOURCE,
  parseCniResourceLimits,
} from '../shared/instance-types/cni-resource-limits.js';
import {
  renderInstanceLimitsJson,
  renderInstanceLimitsModule,
} from '../shared/instance-types/instance-limits-render.js';
import { EC2_API_SOURCE, parseComplement } from '../shared/instance-types/instance-limits-rows.js';
import { buildEc2Client, fetchApiRows } from './describe-instance-types.js';
import { KNOWN_SOURCES, parseGeneratedAt } from './instance-limits-sources.js';

const CNI_REPOSITORY = 'github.com/aws/amazon-vpc-cni-k8s';

type GoSource =
  | { readonly kind: 'repo'; readonly gitDir: string; readonly rev: string }
  | { readonly kind: 'file'; readonly path: string; readonly commit: string };

interface CliOptions {
  readonly goSource: GoSource;
  readonly api: { readonly region: string; readonly endpoint: string | undefined } | null;
  readonly complementPath: string | undefined;
  readonly generatedAt: string;
  readonly outJson: string;
  readonly outModule: string;
}

function readGoSourceOption(values: {
  'cni-repo'?: string | undefined;
  'cni-rev'?: string | undefined;
  'go-file'?: string | undefined;
  'cni-commit'?: string | undefined;
}): GoSource {
  const repo = values['cni-repo'];
  const file = values['go-file'];
  if ((repo === undefined) === (file === undefined)) {
    throw new Error('give exactly one of --cni-repo GIT_DIR or --go-file FILE (with --cni-commit SHA)');
  }
  if (repo !== undefined) return { kind: 'repo', gitDir: repo, rev: values['cni-rev'] ?? 'HEAD' };
  const commit = values['cni-commit'];
  if (commit === undefined || !/^[0-9a-f]{40}$/.test(commit)) {
    throw new Error(
      `--cni-commit is '${commit ?? ''}', expected the 40-hex-digit commit of aws/amazon-vpc-cni-k8s the file comes from`,
    );
  }
  return { kind: 'file', path: file ?? '', commit };
}

function readOptions(argv: readonly string[]): CliOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      'cni-repo': { type: 'string' },
      'cni-rev': { type: 'string' },
      'go-file': { type: 'string' },
      'cni-commit': { type: 'string' },
      endpoint: { type: 'string' },
      region: { type: 'string' },
      complement: { type: 'string' },
      'generated-at': { type: 'string' },
      'out-json': { type: 'string' },
      'out-module': { type: 'string' },
    },
  });
  const generatedAt = parseGeneratedAt(values['generated-at']);
  const wantsApi = values.endpoint !== undefined || values.region !== undefined;
  return {
    goSource: readGoSourceOption(values),
    api: wantsApi ? { region: values.region ?? 'us-east-1', endpoint: values.endpoint } : null,
    complementPath: values.complement,
    generatedAt,
    outJson: values['out-json'] ?? 'data/instance-limits.json',
    outModule: values['out-module'] ?? 'shared/instance-types/instance-limits.generated.ts',
  };
}

async function readGoSource(source: GoSource): Promise<{ text: string; commit: string }> {
  if (source.kind === 'file') return { text: await readFile(source.path, 'utf8'), commit: source.commit };
  const git = (...args: string[]): string =>
    execFileSync('git', ['--git-dir', source.gitDir, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const commit = git('rev-parse', `${source.rev}^{commit}`).trim();
  return { text: git('show', `${commit}:${CNI_LIMITS_PATH}`), commit };
}

async function readApiRows(api: CliOptions['api']): Promise<readonly InstanceLimits[]> {
  if (api === null) return [];
  const client = buildEc2Client(api.region, api.endpoint);
  try {
    return await fetchApiRows(client);
  } finally {
    client.destroy();
  }
}

function describeSources(
  options: CliOptions,
  commit: string,
  rows: readonly InstanceLimits[],
): Record<string, string> {
  const apiWhere =
    options.api === null
      ? ''
      : options.api.endpoint === undefined
        ? `region ${options.api.region}`
        : `endpoint ${options.api.endpoint}`;
  const known: Record<string, string> = {
    ...KNOWN_SOURCES,
    [CNI_LIMITS_SOURCE]:
      `${CNI_REPOSITORY} ${CNI_LIMITS_PATH} at commit ${commit} ` +
      '(ENILimit, IPv4Limit, HypervisorType, IsBareMetal)',
    [EC2_API_SOURCE]: `EC2 DescribeInstanceTypes, ${apiWhere} (vCPUs)`,
  };
  const sources: Record<string, string> = {};
  for (const row of rows) {
    for (const label of row.source.split(' + ')) {
      sources[label] ??= known[label] ?? `complement ${options.complementPath ?? ''}; see data/README.md`;
    }
  }
  return sources;
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  const [go, apiRows, complement] = await Promise.all([
    readGoSource(options.goSource),
    readApiRows(options.api),
    options.complementPath === undefined
      ? []
      : readFile(options.complementPath, 'utf8').then(parseComplement),
  ]);
  const cniRows = parseCniResourceLimits(go.text);
  const table = buildCniLimitsTable(cniRows, apiRows, complement);

  for (const d of table.disagreements) {
    process.stderr.write(
      `disagreement ${d.instanceType} ${d.field}: cni ${d.cni}, ${d.otherSource} ${d.other}; kept cni\n`,
    );
  }
  for (const type of table.notInCni) process.stderr.write(`not in the CNI table, kept: ${type}\n`);
  process.stderr.write(`vCPUs unknown (${table.vcpusUnknown.length}): ${table.vcpusUnknown.join(', ')}\n`);

  const header = {
    generatedAt: options.generatedAt,
    sources: describeSources(options, go.commit, table.rows),
  };
  await writeFile(options.outJson, renderInstanceLimitsJson(header, table.rows));
  await writeFile(
    options.outModule,
    renderInstanceLimitsModule(
      options.generatedAt,
      table.rows,
      'scripts/generate-instance-limits-from-cni.ts',
      [`Source: ${CNI_REPOSITORY} ${CNI_LIMITS_PATH} at commit ${go.commit}.`],
    ),
  );
  process.stdout.write(
    `${table.rows.length} rows (${cniRows.length} from ${CNI_LIMITS_PATH} at ${go.commit}, ` +
      `${table.notInCni.length} from elsewhere, ${table.vcpusUnknown.length} without vCPUs, ` +
      `${table.disagreements.length} disagreements) → ${options.outJson}, ${options.outModule}\n`,
  );
}

await main();
