import { spawnSync } from 'node:child_process';
import {
  BOTTLEROCKET_GATE_CONTAINER,
  renderBottlerocketSettings,
} from '../../../../shared/node-gate/bottlerocket-settings.js';
import { resolveGateWaitParams } from '../../../../shared/node-gate/gate-wait-params.js';
import { renderGateWaitScript } from '../../../../shared/node-gate/gate-wait-script.js';

const params = resolveGateWaitParams({ maxHoldSec: 300, pollSec: 5 });

/** The active (uncommented) lines of a TOML table, as key = value pairs. */
function table(toml: string, name: string): Record<string, string> {
  const lines = toml.split('\n').filter((l) => !l.startsWith('#'));
  const start = lines.indexOf(`[${name}]`);
  if (start < 0) throw new Error(`no [${name}]`);
  const entries: Record<string, string> = {};
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('[')) break;
    const match = /^([\w-]+) = (.*)$/.exec(line);
    if (match?.[1] && match[2] !== undefined) entries[match[1]] = match[2];
  }
  return entries;
}

describe('renderBottlerocketSettings', () => {
  it('runs the wait script once in a non-essential bootstrap container', () => {
    // Act
    const toml = renderBottlerocketSettings(params, { managedNodeGroup: true });
    const container = table(toml, `settings.bootstrap-containers.${BOTTLEROCKET_GATE_CONTAINER}`);

    // Assess
    expect(container.mode).toBe('"once"');
    expect(container.essential).toBe('false');
    expect(container.source).toMatch(/^".+\/capacity-guard-gate:1"$/);
    const script = Buffer.from(JSON.parse(container['user-data'] ?? '""'), 'base64').toString('utf8');
    expect(script).toBe(renderGateWaitScript(params));
    expect(spawnSync('bash', ['-n'], { input: script }).status).toBe(0);
    expect(toml).not.toContain('[settings.kubernetes]');
  });

  it('adds the cluster settings for a self-managed group', () => {
    // Act
    const toml = renderBottlerocketSettings(params, { managedNodeGroup: false });

    // Assess
    expect(Object.keys(table(toml, 'settings.kubernetes'))).toEqual([
      'cluster-name',
      'api-server',
      'cluster-certificate',
    ]);
  });

  it("names what the node's report needs from the image, unless the report is off", () => {
    // Act
    const withReport = renderBottlerocketSettings(params, { managedNodeGroup: true });
    const without = renderBottlerocketSettings(resolveGateWaitParams({ maxHoldSec: 300, report: false }), {
      managedNodeGroup: true,
    });

    // Assess
    expect(withReport).toContain(
      "#   - for the node's report to the guard: curl 7.75 or later (--aws-sigv4)",
    );
    expect(without).not.toContain("node's report");
    const script = (toml: string) =>
      Buffer.from(
        JSON.parse(
          table(toml, `settings.bootstrap-containers.${BOTTLEROCKET_GATE_CONTAINER}`)['user-data'] ?? '""',
        ),
        'base64',
      ).toString('utf8');
    expect(script(withReport)).toContain('AWSEvents.PutEvents');
    expect(script(without)).not.toContain('PutEvents');
  });

  it('mentions the built-in should-wait only in comments', () => {
    // Act
    const toml = renderBottlerocketSettings(params, { managedNodeGroup: true });

    // Assess
    expect(toml).toContain('#   should-wait = true');
    expect(() => table(toml, 'settings.autoscaling')).toThrow('no [settings.autoscaling]');
  });
});
