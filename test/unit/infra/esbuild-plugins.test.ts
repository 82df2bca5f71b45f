import { createRequire } from 'node:module';
import { build, type Plugin } from 'esbuild';

interface PluginsModule extends Array<Plugin> {
  markSchemasPure(source: string, file: string): string;
}

const plugins = createRequire(import.meta.url)('../../../infra/esbuild-plugins.cjs') as PluginsModule;

/** A schema module laid out as the SDK generates them: string constants, shapes, operations, error registrations. */
const SCHEMA_MODULE = `const _A = "Address";
const _UA = "UnusedAddress";
const _xN = "xmlName";
const n0 = "com.amazonaws.ec2";
import { TypeRegistry } from "@smithy/core/schema";
const n0_registry = new TypeRegistry(n0);
export var Boom$ = [-3, n0, "Boom",
    { [_xN]: "boom" },
    [_A],
    [0]
];
n0_registry.registerError(Boom$, Error);
var Sensitive = [0, n0, _A, 8, 0];
export var Address$ = [3, n0, _A,
    0,
    [_A],
    [[0, { [_xN]: "address" }]]
];
export var UnusedAddress$ = [3, n0, _UA,
    0,
    [_UA],
    [[() => Sensitive, { [_xN]: "unused" }]]
];
export var GetAddress$ = [9, n0, _A,
    0, () => Address$, () => Address$
];`;

/** Evaluates a schema module (imports replaced by a stub registry) and returns its exported declarations. */
function evaluate(source: string): Record<string, unknown> {
  const body = source
    .replace(/^import .*$/gm, '')
    .replace(/^export var /gm, 'var ')
    .concat('\nreturn { Boom$, Address$, UnusedAddress$, GetAddress$ };');
  const registered: unknown[] = [];
  class TypeRegistry {
    registerError(schema: unknown): void {
      registered.push(schema);
    }
  }
  const values = new Function('TypeRegistry', body)(TypeRegistry) as Record<string, unknown>;
  return { ...values, registered };
}

describe('pure-sdk-schemas esbuild plugin', () => {
  it('wraps every declaration in a pure call that yields the same value', () => {
    const rewritten = plugins.markSchemasPure(SCHEMA_MODULE, 'schemas_0.js');

    expect(rewritten.match(/\/\* @__PURE__ \*\/ \(\(\) =>/g)).toHaveLength(5);
    expect(JSON.stringify(evaluate(rewritten), (_k, v) => (typeof v === 'function' ? String(v()) : v))).toBe(
      JSON.stringify(evaluate(SCHEMA_MODULE), (_k, v) => (typeof v === 'function' ? String(v()) : v)),
    );
  });

  it('fails the build, naming the file, when the layout is not the one it knows', () => {
    const statementAfter = SCHEMA_MODULE.replace('n0_registry.registerError', 'registerAll');
    expect(() => plugins.markSchemasPure(statementAfter, '/sdk/schemas_0.js')).toThrow(
      '/sdk/schemas_0.js: Boom$ is followed by a statement of unknown shape',
    );
  });

  it('lets esbuild drop the EC2 schemas a bundle never uses', async () => {
    const bundle = async (withPlugins: boolean) => {
      const result = await build({
        stdin: {
          contents:
            "import { EC2Client, DescribeSubnetsCommand } from '@aws-sdk/client-ec2'; export { EC2Client, DescribeSubnetsCommand };",
          resolveDir: process.cwd(),
          loader: 'js',
        },
        bundle: true,
        write: false,
        platform: 'node',
        format: 'esm',
        mainFields: ['module', 'main'],
        logLevel: 'silent',
        plugins: withPlugins ? plugins : [],
      });
      return result.outputFiles[0]?.text ?? '';
    };
    const [plain, pure] = await Promise.all([bundle(false), bundle(true)]);

    expect(plain).toContain('AcceptAddressTransferRequest$');
    expect(pure).not.toContain('AcceptAddressTransferRequest$');
    expect(pure).toContain('DescribeSubnetsRequest$');
    expect(pure.length).toBeLessThan(plain.length / 2);
  }, 60_000);
});
