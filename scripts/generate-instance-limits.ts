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
} from '../shared/instance-types/instance-limits-rows.js';
import { buildEc2Client, fetchApiRows } from './describe-instance-types.js';
import { KNOWN_SOURCES, parseGeneratedAt } from './instance-limits-sources.js';

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
  const generatedAt = parseGeneratedAt(values['generated-at']);
  return {
    endpoint: values.endpoint,
    region: values.region ?? process.env.AWS_REGION ?? 'us-east-1',
    complementPath: values.complement,
    generatedAt,
    outJson: values['out-json'] ?? 'data/instance-limits.json',
    outModule: values['out-module'] ?? 'shared/instance-types/instance-limits.generated.ts',
  };
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
  const client = buildEc2Client(options.region, options.endpoint);
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
