import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadScenario } from '../cli/commands/simulate.js';
import { Mode, type ModeRow, measureModes } from './pacing-modes.js';
import { renderPacingTable, summarizePacing } from './pacing-summary.js';
import { parseEventDelay, parseSeeds, selectVariants } from './pacing-variants.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * `npm run bench:variants [-- --seeds 3] [-- --only 'name,name'] [-- --events-late 180]`: the gate and no guard on
 * every variant (bench/pacing-variants.ts), each seed beside the clairvoyant yardstick, Auto Scaling and CloudTrail
 * events delivered as the scenario says or `--events-late` seconds late; prints the same table as the README's.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '2' },
      only: { type: 'string', default: '' },
      'events-late': { type: 'string' },
    },
  });
  const seeds = parseSeeds(values.seeds);
  const eventDelaySec = values['events-late'] === undefined ? null : parseEventDelay(values['events-late']);
  const variants = selectVariants(
    values.only
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== ''),
  );
  const rows: ModeRow[] = [];
  for (const variant of variants) {
    process.stderr.write(`${variant.name}: ${variant.change}\n`);
    const scenario = { ...variant.apply(loadScenario(variant.base, ROOT)), name: variant.name };
    for (const seed of seeds)
      rows.push(...(await measureModes(scenario, seed, eventDelaySec, [Mode.none, Mode.gate])));
  }
  process.stdout.write(`${renderPacingTable(summarizePacing(rows))}\n`);
  process.stdout.write(
    `seeds ${seeds.join(', ')}; worst seed in every ratio, throttled attaches summed over seeds\n`,
  );
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench:variants: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  });
}
