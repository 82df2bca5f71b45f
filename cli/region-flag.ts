import { UsageError } from './command.js';

/** Region names as AWS spells them: us-east-1, eu-central-2, us-gov-west-1, ap-southeast-5. */
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** `--region R`: undefined stays undefined (the SDK's default chain picks one); a malformed name is an error. */
export function parseRegionFlag(value: string | undefined): string | undefined {
  if (value !== undefined && !REGION_NAME.test(value)) {
    throw new UsageError(`--region: '${value}' is not an AWS Region name (expected e.g. us-east-1)`);
  }
  return value;
}
