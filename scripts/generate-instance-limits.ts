/**
 * Builds the bundled EC2 instance-limits table.
 *
 *   node --import tsx scripts/generate-instance-limits.ts [--endpoint URL] [--region R]
 *     [--complement FILE] [--generated-at ISO] [--out-json FILE] [--out-module FILE]
 *
 * Pages EC2 DescribeInstanceTypes (default credential chain, or dummy credentials with --endpoint for
 * moto_server), completes the answer from a complement file of published limits, and writes
 * data/instance-limits.json plus shared/instance-types/instance-limits.generated.ts. Conversion and
 * merging live in shared/instance-types/instance-limits-rows.ts; this script only does I/O.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { EC2Client, paginateDescribeInstanceTypes } from '@aws-sdk/client-ec2';
import type { InstanceLimits } from '../shared/domain/instance-limits.js';
import {
  renderInstanceLimitsJson,
  renderInstanceLimitsModule,
} from '../shared/instance-types/instance-limits-render.js';
import {
  type ComplementRow,
  EC2_API_SOURCE,
  mergeInstanceLimits,
  parseComplement,
  toInstanceLimitsRow,
} from '../shared/instance-types/instance-limits-rows.js';

const PAGE_SIZE = 100;

/** Where each source label used in rows comes from; README.md in data/ says the same. */
const KNOWN_SOURCES: Readonly<Record<string, string>> = {
  'amazon-eks-ami:instance-info.jsonl':
    'github.com/awslabs/amazon-eks-ami nodeadm/internal/kubelet/instance-info.jsonl (defaultMaxENIs, ipv4AddressesPerInterface)',
  'aws-docs:instancetypes/gp.html':
    'docs.aws.amazon.com/ec2/latest/instancetypes/gp.html (vCPUs, hypervisor of general purpose types)',
  'aws-docs:instancetypes/mo.html':
    'docs.aws.amazon.com/ec2/latest/instancetypes/mo.html (vCPUs, hypervisor of memory optimized types)',
  'amazon-vpc-cni-k8s:gen_vpc_ip_limits.go':
    'github.com/aws/amazon-vpc-cni-k8s scripts/gen_vpc_ip_limits.go addManualLimits (bare metal, hypervisor unknown)',
};

interface CliOptions {
  readonly endpoint: string | undefined;
  readonly region: string;
  readonly complementPath: string | undefined;
  readonly generatedAt: string;
  readonly outJson: string;
  readonly outModule: string;
}

function readOptions(argv: readonly string[]): CliOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      endpoint: { type: 'string' },
      region: { type: 'string' },
      complement: { type: 'string' },
      'generated-at': { type: 'string' },
      'out-json': { type: 'string' },
      'out-module': { type: 'string' },
    },
  });
  const generatedAt = values['generated-at'] ?? new Date().toISOString();
  if (Number.isNaN(Date.parse(generatedAt))) {
    throw new Error(
      `--generated-at is '${generatedAt}', expected an ISO-8601 time such as 2025-01-01T00:00:00Z`,
    );
  }
  return {
    endpoint: values.endpoint,
    region: values.region ?? process.env.AWS_REGION ?? 'us-east-1',
    complementPath: values.complement,
    generatedAt,
    outJson: values['out-json'] ?? 'data/instance-limits.json',
    outModule: values['out-module'] ?? 'shared/instance-types/instance-limits.generated.ts',
  };
}

/**
 * No request-compression setting here: EC2 operations carry no compression trait, so the EC2 client
 * never gzips bodies (it does not even accept `disableRequestCompression`) and moto_server's limit on
 * gzipped bodies does not apply.
 */
function buildClient(options: CliOptions): EC2Client {
  if (options.endpoint === undefined) {
    return new EC2Client({ region: options.region });
  }
  return new EC2Client({
    region: options.region,
    endpoint: options.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
}

async function fetchApiRows(client: EC2Client): Promise<readonly InstanceLimits[]> {
  const rows: InstanceLimits[] = [];
  const incomplete: string[] = [];
  for await (const page of paginateDescribeInstanceTypes({ client, pageSize: PAGE_SIZE }, {})) {
    for (const info of page.InstanceTypes ?? []) {
      const conversion = toInstanceLimitsRow(info);
      if (conversion.kind === 'row') {
        rows.push(conversion.row);
      } else {
        incomplete.push(`${conversion.instanceType}: missing ${conversion.missingFields.join(', ')}`);
      }
    }
  }
  for (const line of incomplete) process.stderr.write(`incomplete API row left out: ${line}\n`);
  return rows;
}

async function readComplement(path: string | undefined): Promise<readonly ComplementRow[]> {
  return path === undefined ? [] : parseComplement(await readFile(path, 'utf8'));
}

function describeSources(options: CliOptions, rows: readonly InstanceLimits[]): Record<string, string> {
  const apiWhere =
    options.endpoint === undefined ? `region ${options.region}` : `endpoint ${options.endpoint}`;
  const sources: Record<string, string> = { [EC2_API_SOURCE]: `EC2 DescribeInstanceTypes, ${apiWhere}` };
  for (const row of rows) {
    for (const label of row.source.split(' + ')) {
      sources[label] ??=
        KNOWN_SOURCES[label] ?? `complement ${options.complementPath ?? ''}; see data/README.md`;
    }
  }
  return sources;
}

function describeLimits(row: { maxEnis: number; ipv4PerEni: number; vcpus: number | null }): string {
  return `${row.maxEnis} ENIs x ${row.ipv4PerEni} IPv4, ${row.vcpus ?? '?'} vCPUs`;
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  const client = buildClient(options);
  const [apiRows, complement] = await Promise.all([
    fetchApiRows(client),
    readComplement(options.complementPath),
  ]);
  const merged = mergeInstanceLimits(apiRows, complement);

  for (const skipped of merged.skippedComplement) {
    process.stderr.write(`complement row left out: ${skipped.instanceType}: ${skipped.reason}\n`);
  }
  for (const conflict of merged.conflicts) {
    process.stderr.write(
      `conflict ${conflict.instanceType}: api ${describeLimits(conflict.api)}, complement ` +
        `${describeLimits(conflict.complement)}; kept ${conflict.kept}\n`,
    );
  }

  const header = { generatedAt: options.generatedAt, sources: describeSources(options, merged.rows) };
  await writeFile(options.outJson, renderInstanceLimitsJson(header, merged.rows));
  await writeFile(options.outModule, renderInstanceLimitsModule(options.generatedAt, merged.rows));
  process.stdout.write(
    `${merged.rows.length} rows (${apiRows.length} from the API, ${merged.addedFromComplement.length} from the ` +
      `complement, ${merged.skippedComplement.length} complement rows left out, ${merged.conflicts.length} ` +
      `conflicts) → ${options.outJson}, ${options.outModule}\n`,
  );
  client.destroy();
}

await main();
