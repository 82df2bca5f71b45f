import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AlertLeadRow } from '../../../bench/alert-lead-time.js';
import type { AuditCostRow } from '../../../bench/audit-cost.js';
import type { BenchResults, StoredColdStartRow } from '../../../bench/bench-results.js';
import type { CliStartupResult } from '../../../bench/cli-startup.js';
import { QUICK_START_ARGS } from '../../../bench/quick-start.js';
import {
  endMarker,
  ReadmeSectionNotFoundError,
  replaceSection,
  sectionOf,
  startMarker,
} from '../../../bench/readme-markers.js';
import {
  NOT_MEASURED,
  README_SECTIONS,
  renderAlertLeadSection,
  renderAuditCostSection,
  renderCliStartupSection,
  renderColdStartSection,
  renderQuickStartSection,
  renderReadme,
  renderRunSection,
} from '../../../bench/readme-sections.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const GOALS: BenchResults['goals'] = {
  staggerRatio: 1.1,
  auditMs: 2000,
  auditRssMb: 512,
  zippedKb: 400,
  importMs: 200,
};

function auditRow(overrides: Partial<AuditCostRow>): AuditCostRow {
  return {
    subnets: 10,
    enis: 500,
    groups: 3,
    clusters: 1,
    calls: { 'EC2:DescribeSubnets': 1, 'EC2:GetSubnetCidrReservations': 10, 'EKS:DescribeNodegroup': 3 },
    storeOps: { putSamples: 1 },
    computeMs: 40,
    firstRunMs: 100,
    peakRssMb: 200,
    heapDeltaMb: 4,
    subnetsReported: 10,
    groupsReported: 3,
    warnings: 0,
    ...overrides,
  };
}

function coldStartRow(overrides: Partial<StoredColdStartRow>): StoredColdStartRow {
  return {
    fn: 'launch-gate',
    zippedKb: 385.1,
    bundleKb: 1100,
    importMs: 250,
    importCpuMs: 240,
    importMsWithoutTracing: 190,
    processMs: 300,
    biggestInputs: [],
    byPackageKb: { yaml: 117.7, '@aws-sdk/client-ec2': 550.6, '@smithy/core': 139.9, '(project code)': 20 },
    ...overrides,
  };
}

function alertRow(overrides: Partial<AlertLeadRow>): AlertLeadRow {
  return {
    scenario: 'subnet-exhaustion',
    firstAllocationFailure: 'InsufficientFreeAddressesInSubnet in subnet-1',
    firstAllocationFailureSec: 16963,
    guardLeadMin: 117.7,
    guardAlertSec: 9900,
    staticLeadMin: null,
    staticAlarmSec: null,
    source: 'report',
    ...overrides,
  };
}

const readCommitted = () => ({
  results: JSON.parse(readFileSync(join(ROOT, 'bench', 'results.json'), 'utf8')) as BenchResults,
  readme: readFileSync(join(ROOT, 'README.md'), 'utf8'),
});

describe('the README Performance section', () => {
  it.each(README_SECTIONS.map((section) => [section.id, section] as const))(
    'section %s is the rendering of the committed bench results',
    (_id, section) => {
      const { results, readme } = readCommitted();
      expect(sectionOf(readme, section.id)).toBe(section.render(results));
    },
  );

  it('is left as it is when rendered again from the committed results', () => {
    const { results, readme } = readCommitted();
    expect(renderReadme(readme, results)).toBe(readme);
  });
});

describe('renderAuditCostSection', () => {
  it('compares the two largest sizes and judges the goal at the largest one', () => {
    const rows = [
      auditRow({ subnets: 100, computeMs: 100, calls: { 'EC2:DescribeSubnets': 100 } }),
      auditRow({
        subnets: 1000,
        computeMs: 2500,
        peakRssMb: 300,
        calls: { 'EC2:GetSubnetCidrReservations': 1000, 'EKS:DescribeNodegroup': 300 },
      }),
    ];
    const text = renderAuditCostSection(rows, GOALS);
    expect(text).toContain('| 1,000 | 500 | 3 | 2,500 ms |');
    expect(text).toContain('Goal at 1,000 subnets: compute < 2,000 ms and peak RSS < 512 MB: not met.');
    expect(text).toContain('(×10): time ×25.0, AWS calls ×13.0 (goal: time ≤ ×10, not met)');
    expect(text).toContain('`GetSubnetCidrReservations` 1,000, `DescribeNodegroup` 300.');
  });

  it('says so when the results hold no audit', () => {
    expect(renderAuditCostSection([], GOALS)).toBe(`Audit cost: ${NOT_MEASURED}.`);
  });
});

describe('renderColdStartSection', () => {
  it('renders figures a stored run lacks as not measured and counts the functions that meet the goal', () => {
    const { importCpuMs: _cpu, importMsWithoutTracing: _untraced, ...older } = coldStartRow({ fn: 'old' });
    const text = renderColdStartSection([coldStartRow({ importMs: 150 }), older], GOALS);
    expect(text).toContain(
      '| launch-gate | 385.1 kB | 1,100 kB | 150 ms | 240 ms | 190 ms | 300 ms | client-ec2 551 kB, smithy/core 140 kB, yaml 118 kB |',
    );
    expect(text).toContain(
      `| old | 385.1 kB | 1,100 kB | 250 ms | ${NOT_MEASURED} | ${NOT_MEASURED} | 300 ms |`,
    );
    expect(text).toContain('Goal: zip < 400 kB and import (wall) < 200 ms: met by 1 of 2 functions.');
  });
});

describe('renderAlertLeadSection', () => {
  it('shows an alarm that never fired as never, with no lead', () => {
    const text = renderAlertLeadSection([alertRow({})]);
    expect(text).toContain(
      '| subnet-exhaustion | InsufficientFreeAddressesInSubnet in subnet-1 | 16,963 s | 9,900 s | 117.7 min | never | — |',
    );
  });
});

describe('renderCliStartupSection', () => {
  const result: CliStartupResult = {
    runs: 9,
    goalMs: 150,
    floorMs: 170,
    loadAverage1m: 8,
    rows: [
      { command: 'capacity-guard --version', medianMs: 120, overFloorMs: -50, minMs: 100, peakRssMb: 45 },
      { command: 'capacity-guard plan', medianMs: 280, overFloorMs: 110, minMs: 250, peakRssMb: null },
    ],
  };

  it('renders every command against the goal and the floor', () => {
    const text = renderCliStartupSection(result);
    expect(text).toContain('| `capacity-guard --version` | 120 ms | -50 ms | 100 ms | 45 MB | yes |');
    expect(text).toContain(`| \`capacity-guard plan\` | 280 ms | +110 ms | 250 ms | ${NOT_MEASURED} | no |`);
    expect(text).toContain('9 runs each; `node -e 0` alone: 170 ms (load average 8).');
  });

  it('says not measured when the results hold no CLI figures', () => {
    expect(renderCliStartupSection(undefined)).toContain(NOT_MEASURED);
  });
});

describe('renderRunSection', () => {
  it('names the machine only when the results recorded it', () => {
    const { results } = readCommitted();
    expect(renderRunSection({ ...results, cpus: undefined })).not.toContain('CPUs');
    expect(renderRunSection({ ...results, cpus: 2, loadAverage1m: 4 })).toContain(
      `Node ${results.node}, 2 CPUs, load average 4,`,
    );
  });
});

describe('README section markers', () => {
  const readme = `a\n${startMarker('x')}\nold\n${endMarker('x')}\nb`;

  it('replace the text between the markers only', () => {
    const next = replaceSection(readme, 'x', 'new');
    expect(sectionOf(next, 'x')).toBe('new');
    expect(next.startsWith('a\n') && next.endsWith('\nb')).toBe(true);
  });

  it('name the section whose markers are missing', () => {
    expect(() => sectionOf(readme, 'y')).toThrow(ReadmeSectionNotFoundError);
    expect(() => replaceSection(readme, 'y', 'z')).toThrow(/bench:y:start/);
  });
});

describe('renderQuickStartSection', () => {
  it('fences what npm start printed, and says not measured without it', () => {
    expect(renderQuickStartSection({ command: 'capacity-guard simulate', output: '  a  1\n  b  2' })).toBe(
      '```\n  a  1\n  b  2\n```',
    );
    expect(renderQuickStartSection(undefined)).toContain(NOT_MEASURED);
  });

  it('records the command npm start runs', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: { start: string };
    };
    expect(pkg.scripts.start.endsWith(`capacity-guard.js ${QUICK_START_ARGS.join(' ')}`)).toBe(true);
  });
});
