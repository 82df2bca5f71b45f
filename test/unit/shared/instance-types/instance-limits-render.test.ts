import {
  renderInstanceLimitsJson,
  renderInstanceLimitsModule,
} from '../../../../shared/instance-types/instance-limits-render.js';
import {
  decodeInstanceLimitsTuple,
  encodeInstanceLimitsTuples,
  InstanceLimitsTupleError,
} from '../../../../shared/instance-types/instance-limits-tuple.js';
import { buildInstanceLimits } from './instance-type-info-builder.js';

const rows = [
  buildInstanceLimits(),
  buildInstanceLimits({
    instanceType: 'u-6tb1.metal',
    maxEnis: 5,
    ipv4PerEni: 30,
    vcpus: 448,
    hypervisor: null,
  }),
  buildInstanceLimits({ instanceType: 'm8idn.large', maxEnis: 4, ipv4PerEni: 20, source: "it's + docs" }),
];

describe('renderInstanceLimitsJson', () => {
  it('writes the header and one row per line, and parses back to the same rows', () => {
    // Prepare
    const header = { generatedAt: '2026-01-01T00:00:00.000Z', sources: { b: 'second', a: 'first' } };

    // Act
    const json = renderInstanceLimitsJson(header, rows);

    // Assess
    const parsed = JSON.parse(json);
    expect(parsed).toEqual({ generatedAt: header.generatedAt, sources: { a: 'first', b: 'second' }, rows });
    expect(Object.keys(parsed.sources)).toEqual(['a', 'b']);
    const rowLines = json.split('\n').filter((line) => line.startsWith('    {"instanceType"'));
    expect(rowLines).toHaveLength(rows.length);
  });

  it('differs between two runs on the same rows only in generatedAt', () => {
    // Prepare
    const first = renderInstanceLimitsJson({ generatedAt: '2026-01-01T00:00:00.000Z', sources: {} }, rows);

    // Act
    const second = renderInstanceLimitsJson({ generatedAt: '2026-02-01T00:00:00.000Z', sources: {} }, rows);

    // Assess
    const differing = first.split('\n').filter((line, index) => line !== second.split('\n')[index]);
    expect(differing).toEqual(['  "generatedAt": "2026-01-01T00:00:00.000Z",']);
  });
});

describe('instance limits tuples', () => {
  it('round-trips rows through tuples, sharing one entry per source', () => {
    // Prepare
    const { sources, tuples } = encodeInstanceLimitsTuples(rows);

    // Act
    const decoded = tuples.map((tuple) => decodeInstanceLimitsTuple(tuple, sources));

    // Assess
    expect(decoded).toEqual(rows);
    expect(sources).toEqual(['ec2:DescribeInstanceTypes', "it's + docs"]);
  });

  it('names the row and the valid range when a source index points nowhere', () => {
    // Prepare
    const tuple = ['m5.large', 3, 10, 2, 'nitro', false, 4] as const;

    // Act
    const decode = () => decodeInstanceLimitsTuple(tuple, ['ec2']);

    // Assess
    expect(decode).toThrow(InstanceLimitsTupleError);
    expect(decode).toThrow("row 'm5.large': sourceIndex is 4, expected 0..0");
  });
});

describe('renderInstanceLimitsModule', () => {
  it('emits one single-quoted tuple per row, pointing into the source list', () => {
    // Prepare
    const generatedAt = '2026-01-01T00:00:00.000Z';

    // Act
    const module = renderInstanceLimitsModule(generatedAt, rows);

    // Assess
    expect(module).toContain("  ['m5.large', 3, 10, 2, 'nitro', false, 0],");
    expect(module).toContain("  ['u-6tb1.metal', 5, 30, 448, null, false, 0],");
    expect(module).toContain("  'it\\'s + docs',");
    expect(module).toContain(`export const GENERATED_AT = '${generatedAt}';`);
  });
});
