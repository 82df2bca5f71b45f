import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { parse } from 'yaml';

const ROOT = new URL('../../', import.meta.url);

/** serverless-esbuild's own keys in `custom.esbuild`; every other key is an esbuild option. */
const PLUGIN_KEYS = new Set([
  'exclude',
  'outputFileExtension',
  'packager',
  'packagerOptions',
  'keepOutputDirectory',
  'concurrency',
  'zipConcurrency',
  'nativeZip',
  'config',
  'plugins',
]);

interface ServerlessFile {
  readonly custom: { readonly esbuild: Record<string, unknown> };
  readonly functions: Record<string, { readonly handler: string }>;
}

/** The esbuild options `serverless.yml` packages the functions with, as serverless-esbuild passes them. */
export function deployedBuildOptions(): { options: BuildOptions; handlers: Record<string, string> } {
  // CloudFormation short forms (!Ref, !GetAtt, !Join) are irrelevant here; read them as plain values.
  const file = parse(readFileSync(new URL('serverless.yml', ROOT), 'utf8'), {
    logLevel: 'silent',
  }) as ServerlessFile;
  const settings = file.custom.esbuild;
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) if (!PLUGIN_KEYS.has(key)) options[key] = value;
  const extension = settings.outputFileExtension;
  if (typeof extension === 'string') options.outExtension = { '.js': extension };
  options.external = settings.exclude ?? ['aws-sdk'];
  // serverless-esbuild `require`s the file `plugins` names (relative to the service) for an array of plugins.
  if (typeof settings.plugins === 'string')
    options.plugins = createRequire(ROOT)(
      new URL(settings.plugins, ROOT).pathname,
    ) as BuildOptions['plugins'];
  const handlers: Record<string, string> = {};
  for (const [name, fn] of Object.entries(file.functions)) handlers[name] = fn.handler;
  return { options: options as BuildOptions, handlers };
}

export interface BuiltHandler {
  /** Absolute path of the bundle. */
  readonly file: string;
  /** The exported handler's name. */
  readonly exportName: string;
  /** The temporary directory of the build. */
  readonly outdir: string;
}

/** Deletes the directory {@link buildDeployedHandlers} wrote the bundles to. */
export async function removeBundles(built: Record<string, BuiltHandler>): Promise<void> {
  const first = Object.values(built)[0];
  if (first) await rm(first.outdir, { recursive: true, force: true });
}

/** Bundles the named functions the way they are deployed, into a fresh temporary directory. */
export async function buildDeployedHandlers(names: readonly string[]): Promise<Record<string, BuiltHandler>> {
  const { options, handlers } = deployedBuildOptions();
  const outdir = await mkdtemp(join(tmpdir(), 'capacity-guard-bundles-'));
  const extension = (options.outExtension as Record<string, string> | undefined)?.['.js'] ?? '.js';
  const built: Record<string, BuiltHandler> = {};
  const entryPoints: string[] = [];
  for (const name of names) {
    const handler = handlers[name];
    if (!handler) throw new Error(`serverless.yml has no function ${name}`);
    const dot = handler.lastIndexOf('.');
    const module = handler.slice(0, dot);
    entryPoints.push(join(ROOT.pathname, `${module}.ts`));
    built[name] = { file: join(outdir, `${module}${extension}`), exportName: handler.slice(dot + 1), outdir };
  }
  await build({ ...options, entryPoints, outdir, outbase: ROOT.pathname, logLevel: 'error' });
  return built;
}
