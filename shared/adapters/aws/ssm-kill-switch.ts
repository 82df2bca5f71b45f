import { GetParameterError } from '@aws-lambda-powertools/parameters';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { ParameterNotFound, type SSMClient } from '@aws-sdk/client-ssm';
import type { KillSwitch } from '../../ports/kill-switch.js';
import { AwsCallError } from './aws-error.js';

/**
 * How long a read of the kill switch is reused. The stepper ticks every 15 s or more and the reactor runs once
 * per batch, so 10 s adds at most 10 s to the switch's reaction and saves an SSM call on most ticks.
 */
export const KILL_SWITCH_CACHE_SEC = 10;

/**
 * The kill switch is an SSM parameter: `on` stops pacing at the next tick, without a redeploy. Reads go through
 * Powertools Parameters, cached for `maxAgeSec` per container; a missing parameter reads as off (and is not
 * cached, so creating it takes effect at the next read).
 */
export class SsmKillSwitch implements KillSwitch {
  private readonly provider: SSMProvider;

  constructor(
    client: SSMClient,
    private readonly parameterName: string,
    private readonly maxAgeSec: number = KILL_SWITCH_CACHE_SEC,
  ) {
    this.provider = new SSMProvider({ awsSdkV3Client: client });
  }

  async isOn(): Promise<boolean> {
    try {
      const value = await this.provider.get(this.parameterName, { maxAge: this.maxAgeSec });
      return (value ?? '').trim().toLowerCase() === 'on';
    } catch (error) {
      const cause = error instanceof GetParameterError ? error.cause : error;
      if (cause instanceof ParameterNotFound) return false;
      throw new AwsCallError('ssm:GetParameter', cause);
    }
  }
}

/** Fixed kill switch, for configurations without a parameter. */
export const killSwitchOff: KillSwitch = { isOn: async () => false };
