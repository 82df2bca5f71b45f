import { GetParameterCommand, ParameterNotFound, type SSMClient } from '@aws-sdk/client-ssm';
import type { KillSwitch } from '../../ports/kill-switch.js';
import { callAws } from './aws-error.js';

/** The kill switch is an SSM parameter: `on` stops pacing at the next tick, without a redeploy. */
export class SsmKillSwitch implements KillSwitch {
  constructor(
    private readonly client: SSMClient,
    private readonly parameterName: string,
  ) {}

  async isOn(): Promise<boolean> {
    try {
      const response = await this.client.send(new GetParameterCommand({ Name: this.parameterName }));
      return (response.Parameter?.Value ?? '').trim().toLowerCase() === 'on';
    } catch (error) {
      if (error instanceof ParameterNotFound) return false;
      return callAws('ssm:GetParameter', () => Promise.reject(error));
    }
  }
}

/** Fixed kill switch, for configurations without a parameter. */
export const killSwitchOff: KillSwitch = { isOn: async () => false };
