import type { SimNetworkInterface } from '../../simulator/ec2-model.js';
import { wholeSecondMs } from '../../simulator/eventbridge-events.js';
import { findSimulatorInstanceLimits, simulatorInstanceTypes } from '../../simulator/instance-catalog.js';
import type { SimulatedAccount } from '../../simulator/simulated-account.js';
import { SimulatedApiError } from '../../simulator/simulated-api-error.js';

import {
  filtersOf,
  type Input,
  matchesAll,
  type Output,
  paginate,
  strings,
  tagList,
} from './simulated-api-input.js';
import {
  completeLifecycleAction,
  describeAutoScalingGroups,
  describeAutoScalingInstances,
  describeLifecycleHooks,
  describeScheduledActions,
  putLifecycleHook,
  recordLifecycleActionHeartbeat,
  setDesiredCapacity,
  setInstanceProtection,
  tagGroups,
  updateAutoScalingGroup,
} from './simulated-auto-scaling-api.js';
import {
  describeAddon,
  describeCluster,
  describeNodegroup,
  listClusters,
  listNodegroups,
} from './simulated-eks-api.js';
import { publish, putEvents } from './simulated-publish-api.js';

/** Answers one SDK command from the simulated account; unknown commands fail with a clear error. */
export function answerCommand(
  account: SimulatedAccount,
  clientName: string,
  commandName: string,
  input: Input,
  identityArn: string,
): Output {
  const key = `${clientName}:${commandName}`;
  account.countApiCall(clientName, commandName.replace(/Command$/, ''), identityArn);
  const handler = HANDLERS[key];
  if (!handler) {
    throw new SimulatedApiError(
      'UnsupportedOperation',
      `The simulated account does not answer ${commandName} (${clientName}); supported: ${Object.keys(HANDLERS).join(', ')}`,
    );
  }
  return handler(account, input, identityArn);
}

type Handler = (account: SimulatedAccount, input: Input, identityArn: string) => Output;

const HANDLERS: Readonly<Record<string, Handler>> = {
  'EC2Client:DescribeSubnetsCommand': describeSubnets,
  'EC2Client:DescribeNetworkInterfacesCommand': describeNetworkInterfaces,
  'EC2Client:DescribeInstancesCommand': describeInstances,
  'EC2Client:DescribeInstanceTypesCommand': describeInstanceTypes,
  'EC2Client:GetSubnetCidrReservationsCommand': getSubnetCidrReservations,
  'AutoScalingClient:DescribeAutoScalingGroupsCommand': describeAutoScalingGroups,
  'AutoScalingClient:SetDesiredCapacityCommand': setDesiredCapacity,
  'AutoScalingClient:UpdateAutoScalingGroupCommand': updateAutoScalingGroup,
  'AutoScalingClient:SetInstanceProtectionCommand': setInstanceProtection,
  'AutoScalingClient:DescribeScalingActivitiesCommand': () => ({ Activities: [] }),
  'AutoScalingClient:DescribeAutoScalingInstancesCommand': describeAutoScalingInstances,
  'AutoScalingClient:CreateOrUpdateTagsCommand': (account, input, identityArn) =>
    tagGroups(account, input, identityArn, true),
  'AutoScalingClient:DeleteTagsCommand': (account, input, identityArn) =>
    tagGroups(account, input, identityArn, false),
  'AutoScalingClient:DescribeLifecycleHooksCommand': describeLifecycleHooks,
  'AutoScalingClient:DescribeScheduledActionsCommand': describeScheduledActions,
  'AutoScalingClient:PutLifecycleHookCommand': putLifecycleHook,
  'AutoScalingClient:CompleteLifecycleActionCommand': completeLifecycleAction,
  'AutoScalingClient:RecordLifecycleActionHeartbeatCommand': recordLifecycleActionHeartbeat,
  'EKSClient:ListClustersCommand': listClusters,
  'EKSClient:DescribeClusterCommand': describeCluster,
  'EKSClient:ListNodegroupsCommand': listNodegroups,
  'EKSClient:DescribeNodegroupCommand': describeNodegroup,
  'EKSClient:DescribeAddonCommand': describeAddon,
  'SNSClient:PublishCommand': publish,
  'EventBridgeClient:PutEventsCommand': putEvents,
};

function describeSubnets(account: SimulatedAccount, input: Input): Output {
  account.ec2.admit('DescribeSubnets');
  const ids = strings(input.SubnetIds);
  for (const id of ids) account.ec2.subnet(id);
  const subnets = [...account.ec2.subnets.values()].filter(
    (s) =>
      (ids.length === 0 || ids.includes(s.id)) &&
      matchesAll(
        filtersOf(input),
        {
          'subnet-id': [s.id],
          'vpc-id': [s.vpcId],
          'availability-zone': [s.availabilityZone],
          'cidr-block': [
            s.addresses.cidr ? cidrText(s.addresses.cidr.base, s.addresses.cidr.prefixLength) : '',
          ],
        },
        s.tags,
        'DescribeSubnets',
      ),
  );
  const { page, next } = paginate(subnets, input, 'MaxResults', 'NextToken');
  return {
    Subnets: page.map((s) => ({
      SubnetId: s.id,
      VpcId: s.vpcId,
      AvailabilityZone: s.availabilityZone,
      AvailabilityZoneId: s.availabilityZoneId,
      CidrBlock: cidrText(s.addresses.cidr.base, s.addresses.cidr.prefixLength),
      AvailableIpAddressCount: s.addresses.availableIpCount,
      State: 'available',
      OwnerId: account.scenario.account.accountId,
      SubnetArn: `arn:aws:ec2:${account.scenario.account.region}:${account.scenario.account.accountId}:subnet/${s.id}`,
      Tags: tagList(s.tags),
    })),
    NextToken: next,
  };
}

function cidrText(base: number, prefixLength: number): string {
  return `${[24, 16, 8, 0].map((shift) => Math.floor(base / 2 ** shift) % 256).join('.')}/${prefixLength}`;
}

function eniOutput(account: SimulatedAccount, eni: SimNetworkInterface): Output {
  const subnet = account.ec2.subnet(eni.subnetId);
  return {
    NetworkInterfaceId: eni.id,
    SubnetId: eni.subnetId,
    VpcId: subnet.vpcId,
    AvailabilityZone: subnet.availabilityZone,
    Description: eni.description,
    InterfaceType: eni.interfaceType,
    OwnerId: account.scenario.account.accountId,
    Status: eni.attachment ? 'in-use' : 'available',
    PrivateIpAddress: eni.primaryIp,
    PrivateIpAddresses: [
      { PrivateIpAddress: eni.primaryIp, Primary: true },
      ...eni.secondaryIps.map((ip) => ({ PrivateIpAddress: ip, Primary: false })),
    ],
    Ipv4Prefixes: eni.prefixes.map((Ipv4Prefix) => ({ Ipv4Prefix })),
    Attachment: eni.attachment
      ? {
          AttachmentId: eni.attachment.attachmentId,
          // EC2 reports AttachTime in whole seconds (`2019-07-12T11:33:17.000Z` in the EC2 API reference and CLI
          // output): so does the simulated account, and the guard meets the same rounding.
          AttachTime: new Date(wholeSecondMs(eni.attachment.attachTimeMs)),
          DeviceIndex: eni.attachment.deviceIndex,
          NetworkCardIndex: 0,
          InstanceId: eni.attachment.instanceId,
          InstanceOwnerId: account.scenario.account.accountId,
          Status: 'attached',
          DeleteOnTermination: eni.attachment.deleteOnTermination,
        }
      : undefined,
    TagSet: tagList(eni.tags),
  };
}

/**
 * An ENI of another service (load balancer, database, function) holding one address the scenario
 * pre-allocated: listed so that callers mapping a subnet's used addresses see every address, as in EC2.
 */
interface ForeignInterface {
  readonly id: string;
  readonly subnetId: string;
  readonly ip: string;
}

/** FNV-1a, 32 bits: stable IDs for the listed foreign ENIs without touching the simulation's random streams. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function foreignInterfaces(account: SimulatedAccount): ForeignInterface[] {
  const result: ForeignInterface[] = [];
  for (const subnet of account.ec2.subnets.values()) {
    const tag = fnv1a(subnet.id).toString(16).padStart(8, '0').slice(0, 7);
    subnet.addresses.preAllocatedAddresses.forEach((ip, index) => {
      result.push({ id: `eni-0f${tag}${index.toString(16).padStart(8, '0')}`, subnetId: subnet.id, ip });
    });
  }
  return result;
}

function foreignEniOutput(account: SimulatedAccount, eni: ForeignInterface): Output {
  const subnet = account.ec2.subnet(eni.subnetId);
  return {
    NetworkInterfaceId: eni.id,
    SubnetId: eni.subnetId,
    VpcId: subnet.vpcId,
    AvailabilityZone: subnet.availabilityZone,
    Description: FOREIGN_ENI_DESCRIPTION,
    InterfaceType: 'interface',
    OwnerId: account.scenario.account.accountId,
    RequesterManaged: true,
    Status: 'in-use',
    PrivateIpAddress: eni.ip,
    PrivateIpAddresses: [{ PrivateIpAddress: eni.ip, Primary: true }],
    Ipv4Prefixes: [],
    TagSet: [],
  };
}

const FOREIGN_ENI_DESCRIPTION = 'Pre-existing use of the subnet';

function describeNetworkInterfaces(account: SimulatedAccount, input: Input): Output {
  const filters = filtersOf(input);
  const ids = strings(input.NetworkInterfaceIds);
  // Unfiltered, unpaginated calls have their own, smaller bucket (DOMAIN.md section 3).
  const unfiltered = filters.length === 0 && ids.length === 0 && input.MaxResults === undefined;
  account.ec2.admit(unfiltered ? 'DescribeNetworkInterfaces:unfiltered' : 'DescribeNetworkInterfaces');
  const foreign = foreignInterfaces(account);
  const foreignIds = new Set(foreign.map((eni) => eni.id));
  for (const id of ids) if (!foreignIds.has(id)) account.ec2.networkInterface(id);
  const fieldsOf = (
    subnetId: string,
    id: string,
    attachment: SimNetworkInterface['attachment'],
    description: string,
    interfaceType: string,
  ) => {
    const subnet = account.ec2.subnet(subnetId);
    return {
      'subnet-id': [subnetId],
      'vpc-id': [subnet.vpcId],
      'availability-zone': [subnet.availabilityZone],
      'network-interface-id': [id],
      'attachment.status': [attachment ? 'attached' : 'detached'],
      'attachment.instance-id': attachment ? [attachment.instanceId] : [],
      'attachment.attach-time': attachment
        ? [new Date(wholeSecondMs(attachment.attachTimeMs)).toISOString()]
        : [],
      status: [attachment ? 'in-use' : 'available'],
      description: [description],
      'interface-type': [interfaceType],
    };
  };
  const listed: Output[] = [];
  for (const eni of account.ec2.networkInterfaces.values()) {
    if (ids.length > 0 && !ids.includes(eni.id)) continue;
    const fields = fieldsOf(eni.subnetId, eni.id, eni.attachment, eni.description, eni.interfaceType);
    if (matchesAll(filters, fields, eni.tags, 'DescribeNetworkInterfaces'))
      listed.push(eniOutput(account, eni));
  }
  for (const eni of foreign) {
    if (ids.length > 0 && !ids.includes(eni.id)) continue;
    const fields = {
      ...fieldsOf(eni.subnetId, eni.id, null, FOREIGN_ENI_DESCRIPTION, 'interface'),
      // Owned by a service's own instances: in use, but not attached to an instance of this account.
      'attachment.status': [],
      status: ['in-use'],
    };
    if (matchesAll(filters, fields, {}, 'DescribeNetworkInterfaces'))
      listed.push(foreignEniOutput(account, eni));
  }
  const { page, next } = paginate(listed, input, 'MaxResults', 'NextToken');
  return { NetworkInterfaces: page, NextToken: next };
}

function describeInstances(account: SimulatedAccount, input: Input): Output {
  account.ec2.admit('DescribeInstances');
  const ids = strings(input.InstanceIds);
  for (const id of ids) account.ec2.instance(id);
  const instances = [...account.ec2.instances.values()].filter(
    (i) =>
      i.state !== 'terminated' &&
      (ids.length === 0 || ids.includes(i.id)) &&
      matchesAll(
        filtersOf(input),
        {
          'instance-id': [i.id],
          'instance-state-name': [i.state],
          'instance-type': [i.instanceType],
          'subnet-id': [i.subnetId],
          'availability-zone': [account.ec2.subnet(i.subnetId).availabilityZone],
        },
        i.tags,
        'DescribeInstances',
      ),
  );
  const { page, next } = paginate(instances, input, 'MaxResults', 'NextToken');
  return {
    Reservations: page.map((i) => ({
      ReservationId: `r-${i.id.slice(2)}`,
      OwnerId: account.scenario.account.accountId,
      Instances: [
        {
          InstanceId: i.id,
          InstanceType: i.instanceType,
          LaunchTime: new Date(i.launchTimeMs),
          State: {
            Name: i.state,
            Code: { pending: 0, running: 16, 'shutting-down': 32, terminated: 48 }[i.state],
          },
          SubnetId: i.subnetId,
          VpcId: account.ec2.subnet(i.subnetId).vpcId,
          Placement: { AvailabilityZone: account.ec2.subnet(i.subnetId).availabilityZone },
          NetworkInterfaces: i.networkInterfaceIds
            .filter((id): id is string => id !== null)
            .map((id) => eniOutput(account, account.ec2.networkInterface(id))),
          Tags: tagList(i.tags),
        },
      ],
    })),
    NextToken: next,
  };
}

function describeInstanceTypes(account: SimulatedAccount, input: Input): Output {
  account.ec2.admit('DescribeInstanceTypes');
  const wanted = strings(input.InstanceTypes);
  const types = (wanted.length > 0 ? wanted : simulatorInstanceTypes()).map((type) => {
    const limits = findSimulatorInstanceLimits(type);
    if (!limits) {
      throw new SimulatedApiError(
        'InvalidInstanceType',
        `The following supplied instance types do not exist: [${type}]`,
      );
    }
    return limits;
  });
  const { page, next } = paginate(types, input, 'MaxResults', 'NextToken', 100);
  return {
    InstanceTypes: page.map((l) => ({
      InstanceType: l.instanceType,
      Hypervisor: l.hypervisor ?? undefined,
      BareMetal: l.bareMetal,
      VCpuInfo: { DefaultVCpus: l.vcpus ?? undefined },
      NetworkInfo: {
        MaximumNetworkInterfaces: l.maxEnis,
        Ipv4AddressesPerInterface: l.ipv4PerEni,
        DefaultNetworkCardIndex: 0,
        NetworkCards: [{ NetworkCardIndex: 0, MaximumNetworkInterfaces: l.maxEnis }],
      },
    })),
    NextToken: next,
  };
}

function getSubnetCidrReservations(account: SimulatedAccount, input: Input): Output {
  account.ec2.admit('GetSubnetCidrReservations');
  const subnetId = typeof input.SubnetId === 'string' ? input.SubnetId : '';
  const subnet = account.ec2.subnet(subnetId);
  const reservations = subnet.addresses.cidrReservations.filter((r) =>
    matchesAll(
      filtersOf(input),
      { 'reservation-type': [r.type], 'subnet-id': [subnetId] },
      {},
      'GetSubnetCidrReservations',
    ),
  );
  const { page, next } = paginate(reservations, input, 'MaxResults', 'NextToken');
  return {
    SubnetIpv4CidrReservations: page.map((r) => ({
      SubnetCidrReservationId: r.id,
      SubnetId: subnetId,
      Cidr: r.cidr,
      ReservationType: r.type,
      OwnerId: account.scenario.account.accountId,
    })),
    SubnetIpv6CidrReservations: [],
    NextToken: next,
  };
}
