import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../../cli/command.js';
import { runCli } from '../../../cli/main.js';
import { buildScenarioJson } from '../shared/simulator/builders.js';

function buildIo() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), stderrIsTty: false };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

describe('capacity-guard simulate', () => {
  it('runs a scenario file and prints the timeline and summary', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'simulate-'));
    const file = join(dir, 'tiny.json');
    writeFileSync(file, JSON.stringify(buildScenarioJson()));
    const { io, stdout, stderr } = buildIo();
    // Act
    const code = await runCli(['simulate', '--scenario', file, '--seed', '3'], io);
    // Assess
    expect(code).toBe(0);
    expect(stdout()).toMatch(/Scenario tiny \(seed 3, 5 min, guard: capacity-guard\)/);
    expect(stdout()).toMatch(/peak attach calls in any 60 s/);
    expect(stderr()).toBe('');
  });

  it('with --mode gate, holds new instances at the launch hook in the guarded run only', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'simulate-'));
    const file = join(dir, 'tiny.json');
    writeFileSync(file, JSON.stringify(buildScenarioJson()));
    const { io, stdout } = buildIo();
    // Act
    const code = await runCli(['simulate', '--scenario', file, '--mode', 'gate', '--compare', '--json'], io);
    // Assess
    expect(code).toBe(0);
    const { guarded, unguarded } = JSON.parse(stdout());
    expect(guarded.summary.gateWaits.count).toBeGreaterThan(0);
    expect(guarded.summary.guardCallsByAction.CompleteLifecycleAction).toBeGreaterThan(0);
    expect(unguarded.summary.gateWaits.count).toBe(0);
  });

  it('exits 2 naming the modes on a bad --mode', async () => {
    const { io, stderr } = buildIo();
    const code = await runCli(['simulate', '--mode', 'gates'], io);
    expect(code).toBe(2);
    expect(stderr()).toMatch(
      /--mode: 'gates' is not a pacing mode \(expected one of gate, ceiling, desired, as-tagged\)/,
    );
  });

  it('prints identical JSON for the same seed and writes an SVG chart', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'simulate-'));
    const file = join(dir, 'tiny.json');
    const svg = join(dir, 'chart.svg');
    writeFileSync(file, JSON.stringify(buildScenarioJson()));
    const first = buildIo();
    const second = buildIo();
    // Act
    await runCli(['simulate', '--scenario', file, '--no-guard', '--json', '--svg', svg], first.io);
    await runCli(['simulate', '--scenario', file, '--no-guard', '--json'], second.io);
    // Assess
    expect(second.stdout()).toBe(first.stdout());
    expect(JSON.parse(first.stdout())).toMatchObject({ scenario: 'tiny', guard: null });
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg/);
    expect(first.stderr()).toBe('');
  });

  it('with --compare, draws the guarded and the unguarded run on one chart', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'simulate-'));
    const file = join(dir, 'tiny.json');
    const svg = join(dir, 'compare.svg');
    writeFileSync(file, JSON.stringify(buildScenarioJson()));
    const { io, stderr } = buildIo();
    // Act
    const code = await runCli(['simulate', '--scenario', file, '--compare', '--svg', svg], io);
    // Assess
    expect(code).toBe(0);
    expect(stderr()).toBe('');
    const chart = readFileSync(svg, 'utf8');
    expect(chart).toMatch(/tiny: guarded \(capacity-guard\) vs unguarded, seed 1/);
    expect(chart).toMatch(/>unguarded</);
  });

  it('exits 2 naming the scenario when it is neither bundled nor a file', async () => {
    // Prepare
    const { io, stderr } = buildIo();
    // Act
    const code = await runCli(['simulate', '--scenario', 'no-such-scenario'], io);
    // Assess
    expect(code).toBe(2);
    expect(stderr()).toMatch(/--scenario 'no-such-scenario' is neither a bundled scenario nor a file/);
  });

  it('exits 2 with the JSON path of an invalid scenario', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'simulate-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(buildScenarioJson({ schedulerPodsPerSec: 'fast' })));
    const { io, stderr } = buildIo();
    // Act
    const code = await runCli(['simulate', '--scenario', file], io);
    // Assess
    expect(code).toBe(2);
    expect(stderr()).toMatch(
      /\$\.schedulerPodsPerSec: "fast" is not valid \(expected a number in 0.01..10000\)/,
    );
  });

  it('exits 2 on a bad --seed', async () => {
    // Prepare
    const { io, stderr } = buildIo();
    // Act
    const code = await runCli(['simulate', '--seed', 'abc'], io);
    // Assess
    expect(code).toBe(2);
    expect(stderr()).toMatch(/--seed: 'abc' is not a whole number/);
  });
});
