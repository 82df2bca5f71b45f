import fc from 'fast-check';
import { parseAddonConfiguration } from '../../../../shared/domain/addon-configuration.js';
import { DEFAULT_CNI_CONFIG } from '../../../../shared/domain/cni-config.js';
import {
  applyCniSettings,
  CniConfigError,
  describeCniConfig,
  parseCniPairs,
  parseGoBool,
} from '../../../../shared/domain/cni-config-parse.js';
import { documentReaderFor } from '../../../../shared/use-cases/addon-document-reader.js';

describe('parseAddonConfiguration', () => {
  it('reads the env map of a JSON add-on configuration', () => {
    const parsed = parseAddonConfiguration(
      '{"env":{"ENABLE_PREFIX_DELEGATION":"true","WARM_PREFIX_TARGET":"2"}}',
    );
    expect(parsed.config).toMatchObject({ prefixDelegation: true, warmPrefixTarget: 2, warmEniTarget: 1 });
    expect(parsed.warnings).toEqual([]);
  });

  it('reads YAML, coercing scalars to strings as the add-on schema does', async () => {
    const yaml = 'env:\n  WARM_IP_TARGET: 2\n  MINIMUM_IP_TARGET: "12"\n  ENABLE_POD_ENI: true\n';
    const parsed = parseAddonConfiguration(yaml, DEFAULT_CNI_CONFIG, await documentReaderFor(yaml));
    expect(parsed.config).toMatchObject({ warmIpTarget: 2, minimumIpTarget: 12, podEni: true });
  });

  it('treats an empty or env-less configuration as the shipped defaults', () => {
    expect(parseAddonConfiguration('').config).toEqual(DEFAULT_CNI_CONFIG);
    expect(parseAddonConfiguration(undefined).config).toEqual(DEFAULT_CNI_CONFIG);
    expect(parseAddonConfiguration('{"enableNetworkPolicy":"true"}').config).toEqual(DEFAULT_CNI_CONFIG);
  });

  it('falls back like the CNI on values it would ignore, with a warning naming key, value and form', () => {
    const parsed = parseAddonConfiguration(
      '{"env":{"WARM_IP_TARGET":"-3","ENABLE_PREFIX_DELEGATION":"yes"}}',
    );
    expect(parsed.config.warmIpTarget).toBe(0);
    expect(parsed.config.prefixDelegation).toBe(false);
    expect(parsed.warnings.map((w) => w.message)).toEqual([
      "WARM_IP_TARGET: '-3' is not a whole number >= 0; the CNI treats it as unset",
      "ENABLE_PREFIX_DELEGATION: 'yes' is not a boolean (expected true/false, 1/0, t/f); the CNI uses its default false",
    ]);
  });

  it('warns about unknown env keys instead of failing a scheduled audit', () => {
    const parsed = parseAddonConfiguration('{"env":{"WARM_IP_TARGE":"2"}}');
    expect(parsed.config).toEqual(DEFAULT_CNI_CONFIG);
    expect(parsed.warnings[0]?.key).toBe('WARM_IP_TARGE');
  });

  it.each([
    ['{"env": [1,2]}', /configurationValues.env: expected a map/],
    ['[1, 2]', /configurationValues: expected an object/],
    [
      '{"env": {"WARM_IP_TARGET": {"a": 1}}}',
      /configurationValues.env.WARM_IP_TARGET: expected a string value/,
    ],
    ['{ "env": ', /configurationValues: not valid JSON or YAML/],
  ])('rejects %s with a clear error', (input, message) => {
    expect(() => parseAddonConfiguration(input)).toThrow(CniConfigError);
    expect(() => parseAddonConfiguration(input)).toThrow(message);
  });
});

describe('parseCniPairs', () => {
  it('reads KEY=VALUE pairs', () => {
    const parsed = parseCniPairs(['WARM_IP_TARGET=2', 'MINIMUM_IP_TARGET=12', 'MAX_ENI=2']);
    expect(parsed.config).toMatchObject({ warmIpTarget: 2, minimumIpTarget: 12, maxEni: 2 });
    expect(parsed.explicit).toEqual({ WARM_IP_TARGET: '2', MINIMUM_IP_TARGET: '12', MAX_ENI: '2' });
  });

  it('rejects a pair without "=" and an unknown key, naming them', () => {
    expect(() => parseCniPairs(['WARM_IP_TARGET'])).toThrow("--cni: 'WARM_IP_TARGET' is not KEY=VALUE");
    expect(() => parseCniPairs(['WARM_IP_TARGE=2'])).toThrow(
      /--cni: 'WARM_IP_TARGE=2': WARM_IP_TARGE is not a VPC CNI setting the guard knows \(expected KEY=VALUE/,
    );
  });

  it('reads comma-separated pairs, alone or across repeated flags', () => {
    const parsed = parseCniPairs(['WARM_IP_TARGET=5,MINIMUM_IP_TARGET=20', 'MAX_ENI=2']);
    expect(parsed.config).toMatchObject({ warmIpTarget: 5, minimumIpTarget: 20, maxEni: 2 });
    expect(parsed.warnings).toEqual([]);
    expect(parseCniPairs([' WARM_IP_TARGET=5 , MINIMUM_IP_TARGET=20, ']).config).toMatchObject({
      warmIpTarget: 5,
      minimumIpTarget: 20,
    });
  });

  it('rejects documented settings the guard does not model, listing those it models', () => {
    for (const pair of ['ENABLE_IPv6=true', 'AWS_VPC_ENI_MTU=9001', 'WARM_IP_TARGET=2,ENABLE_IPv6=true']) {
      expect(() => parseCniPairs([pair])).toThrow(CniConfigError);
      expect(() => parseCniPairs([pair])).toThrow(
        /is a VPC CNI setting the guard does not model \(expected KEY=VALUE\[,KEY=VALUE\.\.\.\] with KEY one of ENABLE_PREFIX_DELEGATION, .*MAX_ENI\)/,
      );
    }
  });

  it('rejects a setting given twice with different values', () => {
    expect(() => parseCniPairs(['WARM_IP_TARGET=5', 'WARM_IP_TARGET=6'])).toThrow(
      "--cni: WARM_IP_TARGET is given twice, '5' and '6'",
    );
    expect(parseCniPairs(['WARM_IP_TARGET=5', 'WARM_IP_TARGET=5']).config.warmIpTarget).toBe(5);
  });

  it('MAX_ENI below 1 means no cap; -1 is the documented "unset" and gives no warning', () => {
    expect(parseCniPairs(['MAX_ENI=-1'])).toMatchObject({ config: { maxEni: null }, warnings: [] });
    expect(parseCniPairs(['MAX_ENI=0']).config.maxEni).toBeNull();
    expect(parseCniPairs(['MAX_ENI=x']).warnings).toHaveLength(1);
  });
});

describe('parseGoBool', () => {
  it('accepts exactly the spellings of strconv.ParseBool', () => {
    for (const yes of ['1', 't', 'T', 'TRUE', 'true', 'True']) expect(parseGoBool(yes)).toBe(true);
    for (const no of ['0', 'f', 'F', 'FALSE', 'false', 'False']) expect(parseGoBool(no)).toBe(false);
    for (const bad of ['yes', 'tRUE', '', ' true']) expect(parseGoBool(bad)).toBeUndefined();
  });
});

describe('applyCniSettings (property)', () => {
  it('never throws for known keys, whatever the value, and always yields non-negative numbers', () => {
    const key = fc.constantFrom(
      'WARM_ENI_TARGET',
      'WARM_IP_TARGET',
      'MINIMUM_IP_TARGET',
      'WARM_PREFIX_TARGET',
      'MAX_ENI',
    );
    fc.assert(
      fc.property(fc.dictionary(key, fc.string()), (settings) => {
        const { config } = applyCniSettings(settings);
        expect(config.warmEniTarget).toBeGreaterThanOrEqual(0);
        expect(config.warmIpTarget).toBeGreaterThanOrEqual(0);
        expect(config.minimumIpTarget).toBeGreaterThanOrEqual(0);
        expect(config.maxEni === null || config.maxEni >= 1).toBe(true);
      }),
      { seed: 7 },
    );
  });

  it('describeCniConfig round-trips through parseCniPairs', () => {
    const parsed = parseCniPairs(['ENABLE_PREFIX_DELEGATION=true', 'WARM_PREFIX_TARGET=2', 'MAX_ENI=3']);
    const again = parseCniPairs(describeCniConfig(parsed.config).split(' '));
    expect(again.config).toEqual(parsed.config);
    expect(describeCniConfig(DEFAULT_CNI_CONFIG)).toBe('defaults');
  });
});
