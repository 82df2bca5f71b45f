import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadPackagedTemplate } from './packaged-template.js';

const missing = pathToFileURL(join(tmpdir(), 'capacity-guard-no-such-template.json'));

describe('loadPackagedTemplate', () => {
  it('fails in CI when nothing was packaged, so the infra tests never pass by skipping there', () => {
    expect(() => loadPackagedTemplate('suite', missing, { CI: 'true' })).toThrow(
      /suite: .*capacity-guard-no-such-template\.json is missing; run `npm run package` first/,
    );
  });

  it('skips outside CI', () => {
    expect(loadPackagedTemplate('suite', missing, {})).toBeNull();
  });

  it('reads a packaged template', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'capacity-guard-template-')), 'template.json');
    writeFileSync(file, JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } }));

    expect(loadPackagedTemplate('suite', pathToFileURL(file), { CI: 'true' })).toEqual({
      Resources: { Topic: { Type: 'AWS::SNS::Topic' } },
    });
  });
});
