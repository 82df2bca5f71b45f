import { existsSync, readFileSync } from 'node:fs';

/** The template `npm run package` writes. */
export const PACKAGED_TEMPLATE_PATH = new URL(
  '../../../.serverless/cloudformation-template-update-stack.json',
  import.meta.url,
);

export interface CfnResource {
  readonly Type: string;
  readonly Condition?: string;
  readonly Properties?: Record<string, unknown>;
}

export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
}

/**
 * The packaged template, or null when it is absent outside CI (one line on stderr says so). In CI
 * (`CI=true`) an absent template throws: the pipeline packages before it tests.
 */
export function loadPackagedTemplate(
  suite: string,
  path: URL = PACKAGED_TEMPLATE_PATH,
  env: Readonly<Record<string, string | undefined>> = process.env,
): CfnTemplate | null {
  if (!existsSync(path)) {
    if (env.CI === 'true') {
      throw new Error(`${suite}: ${path.pathname} is missing; run \`npm run package\` first`);
    }
    process.stderr.write(`${suite}: skipped, no packaged template (run \`npm run package\`)\n`);
    return null;
  }
  return JSON.parse(readFileSync(path, 'utf8')) as CfnTemplate;
}
