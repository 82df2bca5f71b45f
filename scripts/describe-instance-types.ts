/**
 * EC2 DescribeInstanceTypes for the instance-limits generators: builds the client (default credential
 * chain, or dummy credentials with an endpoint such as moto_server) and pages every type.
 */
import { EC2Client, paginateDescribeInstanceTypes } from '@aws-sdk/client-ec2';
import type { InstanceLimits } from '../shared/domain/instance-limits.js';
import { toInstanceLimitsRow } from '../shared/instance-types/instance-limits-rows.js';

const PAGE_SIZE = 100;

/**
 * No request-compression setting here: EC2 operations carry no compression trait, so the EC2 client
 * never gzips bodies (it does not even accept `disableRequestCompression`) and moto_server's limit on
 * gzipped bodies does not apply.
 */
export function buildEc2Client(region: string, endpoint: string | undefined): EC2Client {
  if (endpoint === undefined) {
    return new EC2Client({ region });
  }
  return new EC2Client({
    region,
    endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
}

/** Every type EC2 returns, as table rows; incomplete answers are named on stderr and left out. */
export async function fetchApiRows(client: EC2Client): Promise<readonly InstanceLimits[]> {
  const rows: InstanceLimits[] = [];
  const incomplete: string[] = [];
  for await (const page of paginateDescribeInstanceTypes({ client, pageSize: PAGE_SIZE }, {})) {
    for (const info of page.InstanceTypes ?? []) {
      const conversion = toInstanceLimitsRow(info);
      if (conversion.kind === 'row') {
        rows.push(conversion.row);
      } else {
        incomplete.push(`${conversion.instanceType}: missing ${conversion.missingFields.join(', ')}`);
      }
    }
  }
  for (const line of incomplete) process.stderr.write(`incomplete API row left out: ${line}\n`);
  return rows;
}
