import { runCapacityGuard } from '../../helpers/cli.js';

const M5 = ['--instance-type', 'm5.large'];
const PLAN = ['plan', ...M5, '--from', '1', '--to', '5'];
const NODE_IPS = ['node-ips', ...M5, '--pods', '3'];
const SNAPSHOT = ['audit', '--snapshot', 'examples/snapshot'];

/** [arguments, the flag the message must name, the value it must quote (null: the flag has none)]. */
const CASES: readonly (readonly [readonly string[], string, string | null])[] = [
  // parsing, the same for every command
  [['max-pods', '--instance-type'], '--instance-type', null],
  [['max-pods', '--all', '--json=yes'], '--json', 'yes'],
  [['max-pods', '--all', '--all'], '--all', null],
  [['max-pods', '--all', 'extra'], 'max-pods', 'extra'],
  [['max-pods', '--all', '--frobnicate'], '--frobnicate', null],
  [['max-pods', ...M5, '--instance-type', 'c5.large'], '--instance-type', 'c5.large'],
  [['plan', ...M5, '--from', '--to', '5'], '--from', null],
  // max-pods
  [['max-pods', '--instance-type', ''], '--instance-type', "''"],
  [['max-pods', '--all', '--max-eni', '0'], '--max-eni', '0'],
  [['max-pods', '--all', '--max-eni', '-1'], '--max-eni', '-1'],
  [['max-pods', '--all', '--max-eni', '1.5'], '--max-eni', '1.5'],
  [['max-pods', '--all', '--cap', 'huge'], '--cap', 'huge'],
  // node-ips
  [['node-ips', ...M5, '--pods', '-3'], '--pods', '-3'],
  [['node-ips', ...M5, '--pods', '3e2'], '--pods', '3e2'],
  [['node-ips', ...M5, '--pods', '100'], '--pods', '100'],
  [
    ['node-ips', '--instance-type', 'm5.large,c5.large', '--pods', '3'],
    '--instance-type',
    'm5.large,c5.large',
  ],
  [[...NODE_IPS, '--cni', ''], '--cni', "''"],
  [[...NODE_IPS, '--cni', 'ENABLE_IPv6=true'], '--cni', 'ENABLE_IPv6=true'],
  [[...NODE_IPS, '--cap', ''], '--cap', "''"],
  // plan
  [['plan', ...M5, '--from', '-5', '--to', '200'], '--from', '-5'],
  [['plan', ...M5, '--from', '1', '--to', '-1'], '--to', '-1'],
  [['plan', ...M5, '--from', '1', '--to', '999999'], '--to', '999999'],
  [[...PLAN, '--budget', '-40'], '--budget', '-40'],
  [[...PLAN, '--budget', '40.5'], '--budget', '40.5'],
  [[...PLAN, '--spread-sec', '601'], '--spread-sec', '601'],
  [[...PLAN, '--pods-per-node', '-1'], '--pods-per-node', '-1'],
  [[...PLAN, '--observed-attaches-per-min', '30'], '--observed-attaches-per-min', '30'],
  [[...PLAN, '--observed-attaches-per-min', '-1'], '--observed-attaches-per-min', '-1'],
  [[...PLAN, '--budget', '10', '--observed-attaches-per-min', '7'], '--observed-attaches-per-min', '7'],
  // simulate
  [['simulate', '--seed', '-1'], '--seed', '-1'],
  [['simulate', '--seed', 'x'], '--seed', 'x'],
  [['simulate', '--duration-min', '0'], '--duration-min', '0'],
  [['simulate', '--scenario', 'nope'], '--scenario', 'nope'],
  [['simulate', '--scenario', 'README.md'], '--scenario', 'README.md'],
  [['simulate', '--svg', '/nonexistent/dir/chart.svg'], '--svg', '/nonexistent/dir/chart.svg'],
  [['simulate', '--svg', 'scenarios'], '--svg', 'scenarios'],
  [['simulate', '--compare', '--no-guard'], '--no-guard', null],
  // gate
  [['gate', 'snippet', '--os', 'windows'], '--os', 'windows'],
  [['gate', 'snippet', '--os', 'al2', '--max-hold-sec', '-5'], '--max-hold-sec', '-5'],
  [['gate', 'snippet', '--os', 'al2', '--poll-sec', 'x'], '--poll-sec', 'x'],
  [['gate', 'snippet', '--os', 'al2', 'extra'], 'gate snippet', 'extra'],
  [['gate', 'install', '--group', 'g', '--heartbeat-timeout-sec', '-1'], '--heartbeat-timeout-sec', '-1'],
  [['gate', 'install', '--group', 'g', '--region', 'us east'], '--region', 'us east'],
  [['gate', 'status', '--region', 'bad region'], '--region', 'bad region'],
  [['gate', 'status', '--json=1'], '--json', '1'],
  // audit
  [['audit', '--snapshot', '/nonexistent'], '--snapshot', '/nonexistent'],
  [['audit', '--snapshot', 'README.md'], '--snapshot', 'README.md'],
  [[...SNAPSHOT, '--mode', 'fast'], '--mode', 'fast'],
  [['audit', '--region', 'us east'], '--region', 'us east'],
  [['audit', '--region', ''], '--region', "''"],
  [['audit', '--region', 'us-east-1', '--snapshot', 'examples/snapshot'], '--snapshot', null],
  [[...SNAPSHOT, '--json', '--markdown'], '--markdown', null],
  [[...SNAPSHOT, '--profile', 'x'], '--profile', null],
];

describe('bad arguments, every command', () => {
  it.each(CASES)('%j: exit 2 and one line naming %s and its value', async (argv, flag, value) => {
    // Act
    const run = await runCapacityGuard(...argv);

    // Assess
    expect(run.stdout).toBe('');
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(flag);
    if (value !== null) expect(run.stderr).toContain(value);
    expect(run.stderr).toMatch(/expected|see '[a-z-]+ --help'/);
  });
});

describe('an unknown command', () => {
  it('exits 2 suggesting the closest command', async () => {
    const run = await runCapacityGuard('plna');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^capacity-guard: unknown command 'plna' \(did you mean plan\?\)$/m);
  });
});
