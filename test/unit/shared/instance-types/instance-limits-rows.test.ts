import fc from 'fast-check';
import type { InstanceLimits } from '../../../../shared/domain/instance-limits.js';
import {
  type ComplementRow,
  ComplementRowError,
  mergeInstanceLimits,
  parseComplement,
  parseComplementLine,
  toInstanceLimitsRow,
} from '../../../../shared/instance-types/instance-limits-rows.js';
import {
  buildComplementRow,
  buildInstanceLimits,
  buildInstanceTypeInfo,
  buildNetworkCards,
} from './instance-type-info-builder.js';

function expectRow(conversion: ReturnType<typeof toInstanceLimitsRow>): InstanceLimits {
  if (conversion.kind !== 'row') throw new Error(`expected a row, got ${JSON.stringify(conversion)}`);
  return conversion.row;
}

describe('toInstanceLimitsRow', () => {
  it('reads a single-card type', () => {
    // Prepare
    const info = buildInstanceTypeInfo();

    // Act
    const row = expectRow(toInstanceLimitsRow(info));

    // Assess
    expect(row).toEqual({
      instanceType: 'm5.large',
      maxEnis: 3,
      ipv4PerEni: 10,
      vcpus: 2,
      hypervisor: 'nitro',
      bareMetal: false,
      source: 'ec2:DescribeInstanceTypes',
    });
  });

  it('takes the default card of p4d.24xlarge: 15 ENIs, not the 60 of all four cards', () => {
    // Prepare
    const info = buildInstanceTypeInfo({
      InstanceType: 'p4d.24xlarge',
      VCpuInfo: { DefaultVCpus: 96 },
      NetworkInfo: buildNetworkCards(4, 15),
    });

    // Act
    const row = expectRow(toInstanceLimitsRow(info));

    // Assess
    expect(row.maxEnis).toBe(15);
    expect(row.ipv4PerEni).toBe(50);
  });

  it('takes the default card of p5.48xlarge: 2 ENIs, not the 64 of all 32 cards', () => {
    // Prepare
    const info = buildInstanceTypeInfo({
      InstanceType: 'p5.48xlarge',
      VCpuInfo: { DefaultVCpus: 192 },
      NetworkInfo: buildNetworkCards(32, 2),
    });

    // Act
    const row = expectRow(toInstanceLimitsRow(info));

    // Assess
    expect(row.maxEnis).toBe(2);
  });

  it('follows DefaultNetworkCardIndex by the card index field, not by array position', () => {
    // Prepare
    const info = buildInstanceTypeInfo({
      NetworkInfo: {
        MaximumNetworkInterfaces: 12,
        Ipv4AddressesPerInterface: 30,
        DefaultNetworkCardIndex: 1,
        NetworkCards: [
          { NetworkCardIndex: 1, MaximumNetworkInterfaces: 4 },
          { NetworkCardIndex: 0, MaximumNetworkInterfaces: 8 },
        ],
      },
    });

    // Act
    const row = expectRow(toInstanceLimitsRow(info));

    // Assess
    expect(row.maxEnis).toBe(4);
  });

  it('falls back to MaximumNetworkInterfaces when EC2 lists no cards', () => {
    // Prepare
    const info = buildInstanceTypeInfo({
      InstanceType: 't2.medium',
      Hypervisor: 'xen',
      NetworkInfo: { MaximumNetworkInterfaces: 3, Ipv4AddressesPerInterface: 6 },
    });

    // Act
    const row = expectRow(toInstanceLimitsRow(info));

    // Assess
    expect(row).toMatchObject({ maxEnis: 3, ipv4PerEni: 6, hypervisor: 'xen' });
  });

  it('reports a bare-metal type without a hypervisor as null', () => {
    // Prepare
    const info = buildInstanceTypeInfo({ InstanceType: 'm5.metal', Hypervisor: undefined, BareMetal: true });

    // Act
    const row = expectRow(toInstanceLimitsRow(info));

    // Assess
    expect(row).toMatchObject({ hypervisor: null, bareMetal: true });
  });

  it('names every missing field instead of producing a row', () => {
    // Prepare
    const info = buildInstanceTypeInfo({
      InstanceType: 'x9.large' as never,
      VCpuInfo: undefined,
      NetworkInfo: { MaximumNetworkInterfaces: 3 },
    });

    // Act
    const conversion = toInstanceLimitsRow(info);

    // Assess
    expect(conversion).toEqual({
      kind: 'incomplete',
      instanceType: 'x9.large',
      missingFields: ['NetworkInfo.Ipv4AddressesPerInterface', 'VCpuInfo.DefaultVCpus'],
    });
  });

  it('rejects a hypervisor it does not know', () => {
    // Prepare
    const info = buildInstanceTypeInfo({ Hypervisor: 'kvm' as 'nitro' });

    // Act
    const conversion = toInstanceLimitsRow(info);

    // Assess
    expect(conversion).toMatchObject({
      kind: 'incomplete',
      missingFields: ["Hypervisor (unrecognised 'kvm')"],
    });
  });

  it('always takes a default-card limit no larger than the whole-instance limit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 32 }), fc.integer({ min: 1, max: 24 }), (cards, enisPerCard) => {
        const row = expectRow(
          toInstanceLimitsRow(buildInstanceTypeInfo({ NetworkInfo: buildNetworkCards(cards, enisPerCard) })),
        );
        expect(row.maxEnis).toBe(enisPerCard);
        expect(row.maxEnis).toBeLessThanOrEqual(cards * enisPerCard);
      }),
    );
  });
});

describe('parseComplementLine', () => {
  it('reads a complete line and defaults overridesApi to false', () => {
    // Prepare
    const line = JSON.stringify({
      instanceType: 'm8idn.large',
      maxEnis: 4,
      ipv4PerEni: 20,
      vcpus: 2,
      hypervisor: 'nitro',
      bareMetal: false,
      source: 'amazon-eks-ami:instance-info.jsonl',
    });

    // Act
    const row = parseComplementLine(line, 1);

    // Assess
    expect(row).toEqual(buildComplementRow());
  });

  it('accepts an unknown vCPU count as null', () => {
    // Prepare
    const line = JSON.stringify({ ...buildComplementRow({ instanceType: 'cr1.8xlarge' }), vcpus: null });

    // Act
    const row = parseComplementLine(line, 3);

    // Assess
    expect(row.vcpus).toBeNull();
  });

  it.each([
    ['maxEnis', 0, "field 'maxEnis' is 0, expected a positive integer"],
    ['hypervisor', 'kvm', 'field \'hypervisor\' is "kvm", expected "nitro", "xen" or null'],
    ['instanceType', 'M5 Large', 'field \'instanceType\' is "M5 Large"'],
    ['maxENIs', 3, "field 'maxENIs' is 3, expected no such field"],
  ])('names the line, the field and the expected form when %s is wrong', (field, value, message) => {
    // Prepare
    const line = JSON.stringify({ ...buildComplementRow(), [field]: value });

    // Act
    const parse = () => parseComplementLine(line, 7);

    // Assess
    expect(parse).toThrow(ComplementRowError);
    expect(parse).toThrow(`complement line 7: ${message}`);
  });

  it('skips blank lines and numbers lines from 1 when parsing a whole file', () => {
    // Prepare
    const text = `${JSON.stringify(buildComplementRow())}\n\n{"instanceType":"bad"}\n`;

    // Act
    const parse = () => parseComplement(text);

    // Assess
    expect(parse).toThrow('complement line 3:');
  });
});

describe('mergeInstanceLimits', () => {
  it('fills types the API lacks from the complement and sorts by type', () => {
    // Prepare
    const api = [buildInstanceLimits({ instanceType: 'm5.xlarge' }), buildInstanceLimits()];
    const complement = [buildComplementRow()];

    // Act
    const merged = mergeInstanceLimits(api, complement);

    // Assess
    expect(merged.rows.map((row) => row.instanceType)).toEqual(['m5.large', 'm5.xlarge', 'm8idn.large']);
    expect(merged.rows[2]).toMatchObject({ maxEnis: 4, source: 'amazon-eks-ami:instance-info.jsonl' });
    expect(merged.addedFromComplement).toEqual(['m8idn.large']);
  });

  it('keeps the API row and reports the disagreement when the complement differs', () => {
    // Prepare
    const api = [buildInstanceLimits()];
    const complement = [buildComplementRow({ instanceType: 'm5.large', maxEnis: 4, ipv4PerEni: 10 })];

    // Act
    const merged = mergeInstanceLimits(api, complement);

    // Assess
    expect(merged.rows).toEqual(api);
    expect(merged.conflicts).toHaveLength(1);
    expect(merged.conflicts[0]).toMatchObject({ instanceType: 'm5.large', kept: 'api' });
  });

  it('lets a complement row marked overridesApi win, keeping the API vCPUs when it has none', () => {
    // Prepare
    const api = [buildInstanceLimits({ vcpus: 2 })];
    const complement = [
      buildComplementRow({
        instanceType: 'm5.large',
        maxEnis: 4,
        vcpus: null,
        overridesApi: true,
        source: 'fix',
      }),
    ];

    // Act
    const merged = mergeInstanceLimits(api, complement);

    // Assess
    expect(merged.rows).toEqual([
      buildInstanceLimits({ maxEnis: 4, ipv4PerEni: 20, vcpus: 2, source: 'fix' }),
    ]);
    expect(merged.conflicts[0]).toMatchObject({ kept: 'complement' });
  });

  it('leaves out, and reports, complement rows without vCPUs for types the API lacks', () => {
    // Prepare
    const complement = [buildComplementRow({ instanceType: 'cr1.8xlarge', vcpus: null })];

    // Act
    const merged = mergeInstanceLimits([], complement);

    // Assess
    expect(merged.rows).toEqual([]);
    expect(merged.skippedComplement).toEqual([{ instanceType: 'cr1.8xlarge', reason: 'vcpus unknown' }]);
  });

  it('never loses or alters an API row unless a complement row overrides it', () => {
    const typeName = fc.constantFrom('a.large', 'b.large', 'c.large', 'd.large', 'e.large');
    const apiRow = fc.record({ instanceType: typeName, maxEnis: fc.integer({ min: 1, max: 24 }) });
    const complementRow = fc.record({
      instanceType: typeName,
      maxEnis: fc.integer({ min: 1, max: 24 }),
      vcpus: fc.option(fc.integer({ min: 1, max: 448 })),
      overridesApi: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(apiRow), fc.array(complementRow), (apiSpecs, complementSpecs) => {
        const api = [
          ...new Map(apiSpecs.map((spec) => [spec.instanceType, buildInstanceLimits(spec)])).values(),
        ];
        const complement: ComplementRow[] = complementSpecs.map((spec) => buildComplementRow(spec));

        const merged = mergeInstanceLimits(api, complement);

        const types = merged.rows.map((row) => row.instanceType);
        expect(types).toEqual([...new Set(types)].sort());
        const overridden = new Set(
          complement.filter((row) => row.overridesApi).map((row) => row.instanceType),
        );
        for (const row of api.filter((candidate) => !overridden.has(candidate.instanceType))) {
          expect(merged.rows).toContainEqual(row);
        }
      }),
    );
  });
});
