import { GATE_WAIT_MARKER } from '../../../shared/node-gate/gate-defaults.js';
import { runCapacityGuard } from '../../helpers/cli.js';
import { parseMultipart } from '../../helpers/mime.js';

describe('capacity-guard gate snippet', () => {
  it("prints AL2023 user data with the given hold and poll, and on stderr only the node role's statement", async () => {
    // Act
    const run = await runCapacityGuard(
      'gate',
      'snippet',
      '--os',
      'al2023',
      '--max-hold-sec',
      '600',
      '--poll-sec',
      '10',
    );

    // Assess
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /^The node reports reaching the wait to the guard \(EventBridge PutEvents, source capacity-guard\.node\)\./,
    );
    expect(JSON.parse(run.stderr.slice(run.stderr.indexOf('\n') + 1))).toEqual({
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: 'arn:aws:events:<region>:<account>:event-bus/default',
      Condition: { StringEquals: { 'events:source': 'capacity-guard.node' } },
    });
    const parts = parseMultipart(run.stdout).parts;
    expect(parts.map((p) => p.headers['content-type'])).toEqual([
      'application/node.eks.aws',
      'text/x-shellscript; charset="us-ascii"',
    ]);
    expect(parts[1]?.body).toContain('local max_hold_sec=600 poll_sec=10');
  });

  it('defaults to a 900 s hold polled every second', async () => {
    // Act
    const run = await runCapacityGuard('gate', 'snippet', '--os', 'al2');

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('local max_hold_sec=900 poll_sec=1');
    expect(run.stdout).toContain('/etc/eks/bootstrap.sh my-cluster');
  });

  it('with --no-report leaves the report out of the wait and prints nothing on stderr', async () => {
    // Act
    const run = await runCapacityGuard('gate', 'snippet', '--os', 'al2023', '--no-report');
    const withReport = await runCapacityGuard('gate', 'snippet', '--os', 'al2023');

    // Assess
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const shell = parseMultipart(run.stdout).parts[1]?.body ?? '';
    expect(shell).toContain(GATE_WAIT_MARKER);
    expect(shell).toContain('local max_hold_sec=900 poll_sec=1');
    expect(shell).not.toContain('PutEvents');
    expect(withReport.stdout).toContain("-H 'X-Amz-Target: AWSEvents.PutEvents'");
  });

  it('for a managed node group leaves out what EKS merges and explains the merge on stderr', async () => {
    // Act
    const run = await runCapacityGuard('gate', 'snippet', '--os', 'al2023', '--managed-node-group');

    // Assess
    expect(run.code).toBe(0);
    const parts = parseMultipart(run.stdout).parts;
    expect(parts.map((p) => p.headers['content-type'])).toEqual(['text/x-shellscript; charset="us-ascii"']);
    expect(parts[0]?.body).toContain(GATE_WAIT_MARKER);
    expect(run.stderr).toContain("Merging into a managed node group's launch template (al2023)");
    expect(run.stderr).toContain('multipart/mixed');
    expect(run.stderr).toContain('must not name an AMI');
    expect(run.stderr).toContain('do not add one');
  });

  it('prints Bottlerocket settings, with the TOML merge note for a managed node group', async () => {
    // Act
    const run = await runCapacityGuard('gate', 'snippet', '--os', 'bottlerocket', '--managed-node-group');

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('[settings.bootstrap-containers.capacity-guard-gate]');
    expect(run.stdout).not.toContain('[settings.kubernetes]');
    expect(run.stderr).toContain('TOML, not MIME');
  });

  it.each([
    [
      ['--os', 'windows'],
      "capacity-guard --os: 'windows' is not a node OS (expected al2023, al2, bottlerocket)\n",
    ],
    [[], "capacity-guard gate snippet: --os is required (see 'gate --help')\n"],
    [
      ['--os', 'al2', '--max-hold-sec', 'ten'],
      "capacity-guard --max-hold-sec: 'ten' is not a whole number (expected 1..7200)\n",
    ],
    [
      ['--os', 'al2', '--max-hold-sec', '9000'],
      'capacity-guard --max-hold-sec: 9000 is out of range (expected 1..7200)\n',
    ],
    [['--os', 'al2', '--poll-sec', '0'], 'capacity-guard --poll-sec: 0 is out of range (expected 1..300)\n'],
  ])('bad flags %j: one line naming flag, value and form, exit 2', async (flags, message) => {
    // Act
    const run = await runCapacityGuard('gate', 'snippet', ...flags);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(message);
  });

  it('rejects an unknown flag and an unknown sub-command', async () => {
    // Act
    const flag = await runCapacityGuard('gate', 'snippet', '--os', 'al2', '--hold', '5');
    const sub = await runCapacityGuard('gate', 'open');

    // Assess
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/^capacity-guard gate snippet: unknown flag '--hold' \(/);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toContain("gate: unknown sub-command 'open'");
  });

  it('lists gate in the top-level help and documents every flag in its own help', async () => {
    // Act
    const top = await runCapacityGuard('--help');
    const own = await runCapacityGuard('gate', 'snippet', '--help');

    // Assess
    expect(top.stdout).toMatch(/^ {2}gate +gate mode/m);
    for (const flag of ['--os', '--max-hold-sec', '--poll-sec', '--managed-node-group', '--no-report'])
      expect(own.stdout).toContain(flag);
  });
});
