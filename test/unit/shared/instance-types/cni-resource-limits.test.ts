import {
  buildCniLimitsTable,
  CNI_LIMITS_SOURCE,
  CniLimitsParseError,
  type CniLimitsRow,
  parseCniResourceLimits,
} from '../../../../shared/instance-types/cni-resource-limits.js';
import { buildComplementRow, buildInstanceLimits } from './instance-type-info-builder.js';

/** One entry in the layout of aws/amazon-vpc-cni-k8s `pkg/vpc/vpc_ip_resource_limit.go`. */
function goEntry(
  instanceType: string,
  options: {
    enis: number;
    ipv4: number;
    hypervisor: string;
    bareMetal: boolean;
    cards?: readonly number[];
    defaultCard?: number;
  },
): string {
  const cards = (options.cards ?? [options.enis]).map((enis, index) =>
    [
      '\t\t\t{',
      `\t\t\t\tMaximumNetworkInterfaces: ${enis},`,
      `\t\t\t\tNetworkCardIndex:         ${index},`,
      '\t\t\t},',
    ].join('\n'),
  );
  return [
    `\t"${instanceType}": {`,
    `\t\tENILimit:                ${options.enis},`,
    `\t\tIPv4Limit:               ${options.ipv4},`,
    `\t\tDefaultNetworkCardIndex: ${options.defaultCard ?? 0},`,
    '\t\tNetworkCards: []NetworkCard{',
    ...cards,
    '\t\t},',
    `\t\tHypervisorType: "${options.hypervisor}",`,
    `\t\tIsBareMetal:    ${options.bareMetal},`,
    '\t},',
  ].join('\n');
}

function goSource(...entries: string[]): string {
  return [
    'package vpc',
    '',
    'var instanceNetworkingLimits = map[string]InstanceTypeLimits{',
    ...entries,
    '}',
    '',
  ].join('\n');
}

function cniRow(overrides: Partial<CniLimitsRow> = {}): CniLimitsRow {
  return {
    instanceType: 'm5.large',
    maxEnis: 3,
    ipv4PerEni: 10,
    hypervisor: 'nitro',
    bareMetal: false,
    defaultCardEnis: 3,
    ...overrides,
  };
}

describe('parseCniResourceLimits', () => {
  it('reads ENIs, IPv4 per ENI, hypervisor and bare metal of every entry, sorted by type', () => {
    // Prepare
    const source = goSource(
      goEntry('m5.large', { enis: 3, ipv4: 10, hypervisor: 'nitro', bareMetal: false }),
      goEntry('c5.metal', { enis: 15, ipv4: 50, hypervisor: 'unknown', bareMetal: true }),
      goEntry('c4.large', { enis: 3, ipv4: 10, hypervisor: 'xen', bareMetal: false }),
    );

    // Act
    const rows = parseCniResourceLimits(source);

    // Assess
    expect(rows).toEqual([
      {
        instanceType: 'c4.large',
        maxEnis: 3,
        ipv4PerEni: 10,
        hypervisor: 'xen',
        bareMetal: false,
        defaultCardEnis: 3,
      },
      {
        instanceType: 'c5.metal',
        maxEnis: 15,
        ipv4PerEni: 50,
        hypervisor: null,
        bareMetal: true,
        defaultCardEnis: 15,
      },
      cniRow(),
    ]);
  });

  it('takes the ENI limit of the default card of a multi-card type, as ENILimit states it', () => {
    // Prepare: p5.48xlarge-like, 32 cards of 2 ENIs each
    const cards = Array.from({ length: 32 }, () => 2);
    const source = goSource(
      goEntry('p5.48xlarge', { enis: 2, ipv4: 50, hypervisor: 'nitro', bareMetal: false, cards }),
    );

    // Act
    const [row] = parseCniResourceLimits(source);

    // Assess
    expect(row).toMatchObject({ maxEnis: 2, defaultCardEnis: 2 });
  });

  it('reads the card at DefaultNetworkCardIndex, not the first one', () => {
    // Prepare
    const source = goSource(
      goEntry('x9.large', {
        enis: 4,
        ipv4: 10,
        hypervisor: 'nitro',
        bareMetal: false,
        cards: [7, 4],
        defaultCard: 1,
      }),
    );

    // Act
    const [row] = parseCniResourceLimits(source);

    // Assess
    expect(row?.defaultCardEnis).toBe(4);
  });

  it('names the entry and the field that does not have the expected form', () => {
    // Prepare
    const source = goSource(
      goEntry('m5.large', { enis: 3, ipv4: 10, hypervisor: 'nitro', bareMetal: false }).replace(
        'IPv4Limit',
        'IPv6Limit',
      ),
    );

    // Act / Assess
    expect(() => parseCniResourceLimits(source)).toThrow(CniLimitsParseError);
    expect(() => parseCniResourceLimits(source)).toThrow(/'m5\.large' has no IPv4Limit/);
  });

  it('refuses an unknown hypervisor and a file with no entries', () => {
    const odd = goSource(goEntry('m5.large', { enis: 3, ipv4: 10, hypervisor: 'kvm', bareMetal: false }));
    expect(() => parseCniResourceLimits(odd)).toThrow(/HypervisorType 'kvm', expected nitro, xen or unknown/);
    expect(() => parseCniResourceLimits('package vpc\n')).toThrow(/no instanceNetworkingLimits entries/);
  });
});

describe('buildCniLimitsTable', () => {
  it('keeps the CNI figures and takes vCPUs from the API first, then the complement, else null', () => {
    // Prepare
    const cni = [
      cniRow(),
      cniRow({ instanceType: 'r8idn.96xlarge', maxEnis: 12, ipv4PerEni: 64, defaultCardEnis: 12 }),
      cniRow({ instanceType: 'm9g.large', maxEnis: 3, ipv4PerEni: 20, defaultCardEnis: 3 }),
    ];
    const api = [buildInstanceLimits({ instanceType: 'm5.large', vcpus: 2 })];
    const complement = [
      buildComplementRow({
        instanceType: 'r8idn.96xlarge',
        vcpus: 384,
        source: 'aws-docs:instancetypes/mo.html',
      }),
    ];

    // Act
    const table = buildCniLimitsTable(cni, api, complement);

    // Assess
    expect(table.rows.map((row) => [row.instanceType, row.vcpus, row.source])).toEqual([
      ['m5.large', 2, `${CNI_LIMITS_SOURCE} + ec2:DescribeInstanceTypes`],
      ['m9g.large', null, CNI_LIMITS_SOURCE],
      ['r8idn.96xlarge', 384, `${CNI_LIMITS_SOURCE} + aws-docs:instancetypes/mo.html`],
    ]);
    expect(table.rows[2]).toMatchObject({ maxEnis: 12, ipv4PerEni: 64 });
    expect(table.vcpusUnknown).toEqual(['m9g.large']);
    expect(table.disagreements).toEqual([]);
  });

  it('reports where the API disagrees with the CNI and keeps the CNI figures', () => {
    // Prepare
    const cni = [
      cniRow({
        instanceType: 'c7g.metal',
        hypervisor: 'nitro',
        bareMetal: true,
        maxEnis: 15,
        defaultCardEnis: 15,
      }),
    ];
    const api = [
      buildInstanceLimits({ instanceType: 'c7g.metal', hypervisor: null, bareMetal: true, maxEnis: 15 }),
    ];

    // Act
    const table = buildCniLimitsTable(cni, api, []);

    // Assess
    expect(table.rows[0]?.hypervisor).toBe('nitro');
    expect(table.disagreements).toEqual([
      expect.objectContaining({
        instanceType: 'c7g.metal',
        field: 'hypervisor',
        cni: 'nitro',
        other: 'null',
      }),
    ]);
  });

  it('keeps types the CNI table lacks with their own source and names them', () => {
    // Prepare
    const api = [buildInstanceLimits({ instanceType: 'z9.large' })];

    // Act
    const table = buildCniLimitsTable([cniRow()], api, []);

    // Assess
    expect(table.rows.map((row) => row.instanceType)).toEqual(['m5.large', 'z9.large']);
    expect(table.rows[1]?.source).toBe('ec2:DescribeInstanceTypes');
    expect(table.notInCni).toEqual(['z9.large']);
  });
});
