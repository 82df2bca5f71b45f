import { parseAddonConfiguration } from '../../../../shared/domain/addon-configuration.js';
import { CniConfigError } from '../../../../shared/domain/cni-config-parse.js';
import { documentReaderFor } from '../../../../shared/use-cases/addon-document-reader.js';

describe('documentReaderFor', () => {
  it('reads an empty or JSON document as JSON', async () => {
    expect(await documentReaderFor(undefined)).toBe(JSON.parse);
    expect(await documentReaderFor('  ')).toBe(JSON.parse);
    expect(await documentReaderFor('{"env":{"WARM_IP_TARGET":"2"}}')).toBe(JSON.parse);
  });

  it('reads any other document as YAML', async () => {
    const yaml = 'env:\n  WARM_PREFIX_TARGET: 1\n  ENABLE_PREFIX_DELEGATION: "true"\n';
    const read = await documentReaderFor(yaml);

    expect(read).not.toBe(JSON.parse);
    expect(read(yaml)).toEqual({ env: { WARM_PREFIX_TARGET: 1, ENABLE_PREFIX_DELEGATION: 'true' } });
  });

  it('leaves a document malformed in both forms to be reported by the parser', async () => {
    const broken = 'env: [unclosed';
    const read = await documentReaderFor(broken);

    expect(() => parseAddonConfiguration(broken, undefined, read)).toThrow(CniConfigError);
    expect(() => parseAddonConfiguration(broken, undefined, read)).toThrow(
      'configurationValues: not valid JSON or YAML',
    );
  });
});
