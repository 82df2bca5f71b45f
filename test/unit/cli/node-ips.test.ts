import { runCapacityGuard } from '../../helpers/cli.js';

async function nodeIps(...argv: string[]) {
  const run = await runCapacityGuard('node-ips', ...argv, '--json');
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as Record<string, number | string>;
}

describe('capacity-guard node-ips', () => {
  it.each([
    [0, 1],
    [5, 3],
    [9, 3],
  ])(
    't3.small WARM_ENI_TARGET=1 with %i pods holds %i ENIs (docs/eni-and-ip-target.md)',
    async (pods, enis) => {
      expect(await nodeIps('--instance-type', 't3.small', '--pods', String(pods))).toMatchObject({ enis });
    },
  );

  it.each([
    [0, 1],
    [5, 2],
    [16, 2],
    [17, 3],
    [58, 5],
  ])(
    't3.small prefix mode WARM_PREFIX_TARGET=1 with %i pods holds %i prefixes (docs/prefix-and-ip-target.md)',
    async (pods, prefixes) => {
      const result = await nodeIps(
        '--instance-type',
        't3.small',
        '--pods',
        String(pods),
        '--cni',
        'ENABLE_PREFIX_DELEGATION=true',
        '--cni',
        'WARM_PREFIX_TARGET=1',
      );
      expect(result).toMatchObject({ prefixesHeld: prefixes, ipsHeld: prefixes * 16 });
    },
  );

  it('reports every documented field', async () => {
    const result = await nodeIps('--instance-type', 'm5.large', '--pods', '27');
    expect(result).toEqual(
      expect.objectContaining({
        enis: 3,
        attaches: 2,
        ipsHeld: 27,
        prefixesHeld: 0,
        nodeSubnetIps: 30,
        podSubnetIps: 0,
        maxPods: 29,
      }),
    );
  });

  it('takes comma-separated settings in one flag as it takes repeated flags', async () => {
    const together = await nodeIps(
      '--instance-type',
      'm5.large',
      '--pods',
      '3',
      '--cni',
      'WARM_IP_TARGET=5,MINIMUM_IP_TARGET=20',
    );
    const repeated = await nodeIps(
      '--instance-type',
      'm5.large',
      '--pods',
      '3',
      '--cni',
      'WARM_IP_TARGET=5',
      '--cni',
      'MINIMUM_IP_TARGET=20',
    );
    expect(together).toEqual(repeated);
    expect(together).toMatchObject({ cni: 'WARM_IP_TARGET=5 MINIMUM_IP_TARGET=20', ipsHeld: 20 });
  });

  it('warns on stderr where the CNI would fall back to a default', async () => {
    const run = await runCapacityGuard(
      'node-ips',
      '--instance-type',
      'm5.large',
      '--pods',
      '3',
      '--cni',
      'WARM_IP_TARGET=-2',
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /warning: WARM_IP_TARGET: '-2' is not a whole number >= 0; the CNI treats it as unset/,
    );
  });

  it.each([
    [['--instance-type', 'm5.large'], /--pods N is required/],
    [
      ['--instance-type', 'm5.large', '--pods', '28'],
      /--pods: 28 is not possible on m5.large \(expected a whole number 0\.\.27/,
    ],
    [['--instance-type', 'm5.large', '--pods', '3', '--cni', 'WARM_IP'], /--cni: 'WARM_IP' is not KEY=VALUE/],
    [
      ['--instance-type', 'm5.large', '--pods', '3', '--cni', 'WARM_IP_TARGE=1'],
      /--cni: 'WARM_IP_TARGE=1': WARM_IP_TARGE is not a VPC CNI setting the guard knows/,
    ],
    [
      ['--instance-type', 'm5.large', '--pods', '3', '--cni', 'ENABLE_IPv6=true'],
      /--cni: 'ENABLE_IPv6=true': ENABLE_IPv6 is a VPC CNI setting the guard does not model \(expected KEY=VALUE\[,KEY=VALUE\.\.\.\] with KEY one of ENABLE_PREFIX_DELEGATION, /,
    ],
  ])('rejects %j with exit 2', async (argv, message) => {
    const run = await runCapacityGuard('node-ips', ...argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
