import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { loadPackagedTemplate } from './packaged-template.js';

/** The zip budget of one function (README "Performance"). */
const ZIP_BUDGET_BYTES = 400 * 1024;

const packaged = loadPackagedTemplate('function-packages.test');

/** `.serverless/<function key>.zip` of every function in the packaged template. */
function functionZips(): { key: string; path: URL }[] {
  return Object.entries(packaged?.Resources ?? {})
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
    .map(([name]) => name.replace(/LambdaFunction$/, ''))
    .map((name) => name.charAt(0).toLowerCase() + name.slice(1))
    .map((key) => ({ key, path: new URL(`../../../.serverless/${key}.zip`, import.meta.url) }));
}

(packaged ? describe : describe.skip)('the packaged function zips', () => {
  const zips = functionZips();

  it('hold one handler bundle and its lazily loaded chunks, and no source map', () => {
    expect(zips.length).toBeGreaterThanOrEqual(3);
    for (const { key, path } of zips) {
      const files = execFileSync('unzip', ['-Z1', path.pathname], { encoding: 'utf8' })
        .split('\n')
        .filter((entry) => entry !== '' && !entry.endsWith('/'));
      const handler = files.filter((file) => /^functions\/[a-z-]+\/handler\.mjs$/.test(file));
      const others = files.filter(
        (file) => !handler.includes(file) && !/^functions\/[a-z-]+\/handler\.chunks\/[\w-]+\.mjs$/.test(file),
      );
      expect({ key, handler: handler.length, others }).toEqual({ key, handler: 1, others: [] });
    }
  });

  it(`stay under ${ZIP_BUDGET_BYTES / 1024} kB each`, () => {
    for (const { key, path } of zips) {
      expect({ key, over: statSync(path).size > ZIP_BUDGET_BYTES }).toEqual({ key, over: false });
    }
  });

  it('run on the supported LTS runtime, nodejs22.x on arm64', () => {
    const functions = Object.values(packaged?.Resources ?? {}).filter(
      (resource) => resource.Type === 'AWS::Lambda::Function',
    );
    expect(functions.length).toBe(zips.length);
    for (const fn of functions) {
      expect([fn.Properties?.Runtime, fn.Properties?.Architectures]).toEqual(['nodejs22.x', ['arm64']]);
    }
  });
});
