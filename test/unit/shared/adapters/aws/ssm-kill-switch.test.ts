import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsCallError } from '../../../../../shared/adapters/aws/aws-error.js';
import { SsmKillSwitch } from '../../../../../shared/adapters/aws/ssm-kill-switch.js';

const NAME = '/capacity-guard/test/kill-switch';

function parameter(value: string) {
  return { Parameter: { Name: NAME, Type: 'String' as const, Value: value, Version: 1 } };
}

describe('SsmKillSwitch', () => {
  const ssm = mockClient(SSMClient);
  afterEach(() => ssm.reset());
  afterAll(() => ssm.restore());

  it.each([
    ['on', true],
    [' ON\n', true],
    ['off', false],
    ['', false],
  ])('reads %j as %s', async (value, expected) => {
    ssm.on(GetParameterCommand, { Name: NAME }).resolves(parameter(value));
    const killSwitch = new SsmKillSwitch(new SSMClient({ region: 'us-east-1' }), NAME);

    await expect(killSwitch.isOn()).resolves.toBe(expected);
  });

  it('reuses a read within the cache window', async () => {
    // Prepare
    ssm.on(GetParameterCommand).resolvesOnce(parameter('off')).resolves(parameter('on'));
    const killSwitch = new SsmKillSwitch(new SSMClient({ region: 'us-east-1' }), NAME);

    // Act
    const reads = [await killSwitch.isOn(), await killSwitch.isOn(), await killSwitch.isOn()];

    // Assess
    expect(reads).toEqual([false, false, false]);
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 1);
  });

  it('reads again every time with no cache window', async () => {
    ssm.on(GetParameterCommand).resolvesOnce(parameter('off')).resolves(parameter('on'));
    const killSwitch = new SsmKillSwitch(new SSMClient({ region: 'us-east-1' }), NAME, 0);

    expect([await killSwitch.isOn(), await killSwitch.isOn()]).toEqual([false, true]);
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 2);
  });

  it('reads a missing parameter as off, without caching it', async () => {
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));
    const killSwitch = new SsmKillSwitch(new SSMClient({ region: 'us-east-1' }), NAME);

    expect([await killSwitch.isOn(), await killSwitch.isOn()]).toEqual([false, false]);
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 2);
  });

  it('reports any other failure as an AwsCallError holding the SDK error', async () => {
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    ssm.on(GetParameterCommand).rejects(denied);
    const killSwitch = new SsmKillSwitch(new SSMClient({ region: 'us-east-1' }), NAME);

    const failure = await killSwitch.isOn().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AwsCallError);
    expect((failure as AwsCallError).cause).toBe(denied);
    expect((failure as AwsCallError).message).toContain('ssm:GetParameter');
  });
});
