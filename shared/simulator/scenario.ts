import { InvalidIpv4Error, parseCidr } from '../domain/ipv4.js';
import { GATE_DEFAULTS } from '../node-gate/gate-defaults.js';
import { GUARD_CRASH_POINTS, type GuardCrashPoint } from './guard-faults.js';
import { findSimulatorInstanceLimits } from './instance-catalog.js';
import { invalid, type Json, ObjectReader } from './scenario-reader.js';
import type {
  ExternalConsumer,
  ScaleAction,
  Scenario,
  ScenarioAction,
  ScenarioCni,
  ScenarioGroup,
  ScenarioLaunchHook,
  ScenarioSubnet,
  ScenarioTiming,
  SecondsRange,
  UpdateGroupAction,
} from './scenario-types.js';

export { ScenarioValidationError } from './scenario-reader.js';
export type * from './scenario-types.js';
export { isCapacityAction } from './scenario-types.js';

/** An external consumer's gaps vary ±20 % around its mean unless its `gapSpread` says otherwise. */
const DEFAULT_GAP_SPREAD = 0.2;

const DEFAULT_TIMING: ScenarioTiming = {
  bootSec: { min: 45, max: 75 },
  ipamdLeadSec: 10,
  eniReadySec: { min: 2, max: 6 },
  scalingReactionSec: { min: 1, max: 4 },
  autoScalingEventDelaySec: { min: 2, max: 2 },
  cloudTrailDelaySec: { min: 30, max: 30 },
  customEventDelaySec: { min: 0.5, max: 0.5 },
  terminateSec: 30,
  launchRetrySec: 30,
  gatePollSec: GATE_DEFAULTS.pollSec,
};

/**
 * Validates a parsed scenario file and fills in defaults. Errors name the JSON path, the value and
 * the expected form; unknown keys are rejected so a typo fails.
 *
 * @example
 * parseScenario(JSON.parse(readFileSync('scenarios/black-friday.json', 'utf8')))
 */
export function parseScenario(json: Json): Scenario {
  const root = ObjectReader.of(json, '$');
  const name = root.string('name', undefined, /^[a-z0-9][a-z0-9-]*$/, 'a kebab-case name');
  const description = root.string('description', name);
  const durationMin = root.number('durationMin', 1, 7 * 24 * 60, 30);
  const startTime = root.string(
    'startTime',
    '2025-11-28T08:00:00.000Z',
    /^\d{4}-\d\d-\d\dT/,
    'an ISO 8601 time',
  );
  if (Number.isNaN(Date.parse(startTime))) throw invalid('$.startTime', startTime, 'an ISO 8601 time');

  const accountReader = ObjectReader.of(root.raw('account') ?? {}, '$.account');
  const account = {
    accountId: accountReader.string('accountId', '111122223333', /^\d{12}$/, 'a 12-digit account id'),
    region: accountReader.string(
      'region',
      'us-east-1',
      /^[a-z]{2}(-[a-z]+)+-\d$/,
      'a Region such as us-east-1',
    ),
    attachBudgetPerMin: accountReader.number('attachBudgetPerMin', 1, 100_000, 40),
    operatorArn: '',
  };
  account.operatorArn = accountReader.string(
    'operatorArn',
    `arn:aws:iam::${account.accountId}:user/operator`,
    /^arn:aws[a-z-]*:(iam|sts)::\d{12}:/,
    'an IAM or STS ARN',
  );
  accountReader.done();

  const vpcReader = ObjectReader.of(root.raw('vpc'), '$.vpc');
  const vpcId = vpcReader.string('vpcId', 'vpc-0a1b2c3d4e5f60001', /^vpc-[0-9a-f]+$/, 'vpc-<hex>');
  const subnets = vpcReader
    .array('subnets')
    .map((value, index) => parseSubnet(value, `$.vpc.subnets[${index}]`));
  vpcReader.done();
  if (subnets.length === 0) throw invalid('$.vpc.subnets', [], 'at least one subnet');
  const subnetIds = new Set<string>();
  for (const [index, subnet] of subnets.entries()) {
    if (subnetIds.has(subnet.id))
      throw invalid(`$.vpc.subnets[${index}].id`, subnet.id, 'a unique subnet id');
    subnetIds.add(subnet.id);
  }
  const azOf = new Map(subnets.map((s) => [s.id, s.availabilityZone]));

  const clusterReader = ObjectReader.of(root.raw('cluster') ?? {}, '$.cluster');
  const clusterName = clusterReader.string(
    'name',
    'shop',
    /^[A-Za-z0-9][A-Za-z0-9_-]*$/,
    'an EKS cluster name',
  );
  const cni = parseCni(clusterReader.raw('cni') ?? {}, '$.cluster.cni', azOf);
  clusterReader.done();

  const groups = root
    .array('groups')
    .map((value, index) => parseGroup(value, `$.groups[${index}]`, azOf, cni));
  if (groups.length === 0) throw invalid('$.groups', [], 'at least one group');
  const groupNames = new Set(groups.map((g) => g.name));
  if (groupNames.size !== groups.length)
    throw invalid(
      '$.groups',
      groups.map((g) => g.name),
      'unique group names',
    );

  const schedulerPodsPerSec = root.number('schedulerPodsPerSec', 0.01, 10_000, 50, false);

  const timingReader = ObjectReader.of(root.raw('timing') ?? {}, '$.timing');
  const timing: ScenarioTiming = {
    bootSec: timingReader.range('bootSec', DEFAULT_TIMING.bootSec, 3600),
    ipamdLeadSec: timingReader.number('ipamdLeadSec', 0, 600, DEFAULT_TIMING.ipamdLeadSec, false),
    eniReadySec: timingReader.range('eniReadySec', DEFAULT_TIMING.eniReadySec, 600),
    scalingReactionSec: timingReader.range('scalingReactionSec', DEFAULT_TIMING.scalingReactionSec, 600),
    autoScalingEventDelaySec: timingReader.delay(
      'autoScalingEventDelaySec',
      DEFAULT_TIMING.autoScalingEventDelaySec,
      3600,
    ) as SecondsRange,
    cloudTrailDelaySec: timingReader.delay(
      'cloudTrailDelaySec',
      DEFAULT_TIMING.cloudTrailDelaySec,
      3600,
    ) as SecondsRange,
    customEventDelaySec: timingReader.delay(
      'customEventDelaySec',
      DEFAULT_TIMING.customEventDelaySec,
      3600,
    ) as SecondsRange,
    terminateSec: timingReader.number('terminateSec', 0, 3600, 30, false),
    launchRetrySec: timingReader.number('launchRetrySec', 1, 3600, 30, false),
    gatePollSec: timingReader.number('gatePollSec', 0, 600, DEFAULT_TIMING.gatePollSec, false),
  };
  timingReader.done();
  if (timing.ipamdLeadSec > timing.bootSec.min) {
    throw invalid(
      '$.timing.ipamdLeadSec',
      timing.ipamdLeadSec,
      `a number <= bootSec.min (${timing.bootSec.min})`,
    );
  }

  const externalConsumers = root.array('externalConsumers', []).map((value, index) => {
    const path = `$.externalConsumers[${index}]`;
    const reader = ObjectReader.of(value, path);
    const consumer: ExternalConsumer = {
      name: reader.string('name'),
      subnetId: reader.string('subnetId'),
      attachesPerMin: reader.number('attachesPerMin', 0, 10_000, undefined, false),
      fromSec: reader.number('fromSec', 0, 1e9, 0, false),
      toSec: reader.optionalNumber('toSec', 0, 1e9, false),
      eniLifetimeSec: reader.number('eniLifetimeSec', 1, 1e9, 300, false),
      gapSpread: reader.number('gapSpread', 0, 0.99, DEFAULT_GAP_SPREAD, false),
    };
    reader.done();
    if (!azOf.has(consumer.subnetId))
      throw invalid(`${path}.subnetId`, consumer.subnetId, `one of ${[...azOf.keys()].join(', ')}`);
    return consumer;
  });

  const actions = root
    .array('actions', [])
    .map((value, index) => parseAction(value, `$.actions[${index}]`, groupNames));
  root.done();

  return {
    name,
    description,
    durationMin,
    startTime: new Date(Date.parse(startTime)).toISOString(),
    account,
    cluster: { name: clusterName, cni },
    vpc: { vpcId, subnets },
    groups,
    schedulerPodsPerSec,
    timing,
    externalConsumers,
    actions,
  };
}

const ACTION_KINDS = [
  'set-desired',
  'scale-request',
  'update-group',
  'scheduled-action',
  'delete-group',
  'tag',
  'set-pods',
  'kill-switch',
  'guard-down',
  'guard-crash',
] as const;

function parseAction(value: Json, path: string, groupNames: ReadonlySet<string>): ScenarioAction {
  const reader = ObjectReader.of(value, path);
  const via = reader.string(
    'via',
    'set-desired',
    new RegExp(`^(${ACTION_KINDS.join('|')})$`),
    `one of ${ACTION_KINDS.join(', ')}`,
  ) as ScenarioAction['via'];
  const base = {
    atSec: reader.number('atSec', 0, 1e9, undefined, false),
    eventDelaySec: reader.delay('eventDelaySec', null, 3600),
  };
  const group = () => {
    const name = reader.string('group');
    if (!groupNames.has(name)) throw invalid(`${path}.group`, name, `one of ${[...groupNames].join(', ')}`);
    return name;
  };
  let action: ScenarioAction;
  switch (via) {
    case 'guard-down':
      action = { ...base, via, forSec: reader.number('forSec', 1, 1e9, undefined, false) };
      break;
    case 'guard-crash':
      action = {
        ...base,
        via,
        after: reader.string(
          'after',
          undefined,
          new RegExp(`^(${GUARD_CRASH_POINTS.join('|')})$`),
          `one of ${GUARD_CRASH_POINTS.join(', ')}`,
        ) as GuardCrashPoint,
      };
      break;
    case 'kill-switch':
      action = { ...base, via, on: reader.boolean('on', true) };
      if (typeof reader.raw('on') !== 'boolean')
        throw invalid(`${path}.on`, reader.raw('on'), 'true or false');
      break;
    case 'delete-group':
      action = { ...base, via, group: group() };
      break;
    case 'tag': {
      const name = group();
      const key = reader.string('key');
      const raw = reader.raw('value');
      if (raw !== null && (typeof raw !== 'string' || raw.length > 256))
        throw invalid(`${path}.value`, raw, 'a string of up to 256 characters, or null to remove the tag');
      action = { ...base, via, group: name, key, value: raw };
      break;
    }
    case 'set-pods':
      action = { ...base, via, group: group(), podsPerNode: reader.number('podsPerNode', 0, 1000) };
      break;
    case 'update-group':
    case 'scheduled-action': {
      const update: UpdateGroupAction = {
        ...base,
        via,
        group: group(),
        minSize: reader.optionalNumber('minSize', 0, 100_000),
        maxSize: reader.optionalNumber('maxSize', 0, 100_000),
        desired: reader.optionalNumber('desired', 0, 100_000),
      };
      if (update.minSize === null && update.maxSize === null && update.desired === null)
        throw invalid(path, value, 'at least one of minSize, maxSize, desired');
      action = update;
      break;
    }
    default: {
      const scale: ScaleAction = {
        ...base,
        via,
        group: group(),
        desired: reader.number('desired', 0, 100_000),
      };
      action = scale;
    }
  }
  reader.done();
  return action;
}

/** Hook defaults: the guard's gate (name), 600 s heartbeat, CONTINUE, a node whose user data waits. */
const DEFAULT_LAUNCH_HOOK: ScenarioLaunchHook = {
  name: 'capacity-guard-launch-gate',
  heartbeatTimeoutSec: 600,
  defaultResult: 'CONTINUE',
  nodeWaits: true,
  nodeReports: false,
};

function parseLaunchHook(value: Json, path: string): ScenarioLaunchHook {
  const reader = ObjectReader.of(value, path);
  const hook: ScenarioLaunchHook = {
    name: reader.string(
      'name',
      DEFAULT_LAUNCH_HOOK.name,
      /^[A-Za-z0-9\-_/]{1,255}$/,
      'a hook name of letters, digits, - _ / (1..255)',
    ),
    heartbeatTimeoutSec: reader.number(
      'heartbeatTimeoutSec',
      30,
      7200,
      DEFAULT_LAUNCH_HOOK.heartbeatTimeoutSec,
    ),
    defaultResult: reader.string(
      'defaultResult',
      DEFAULT_LAUNCH_HOOK.defaultResult,
      /^(CONTINUE|ABANDON)$/,
      "'CONTINUE' or 'ABANDON'",
    ) as ScenarioLaunchHook['defaultResult'],
    nodeWaits: reader.boolean('nodeWaits', DEFAULT_LAUNCH_HOOK.nodeWaits),
    nodeReports: reader.boolean('nodeReports', DEFAULT_LAUNCH_HOOK.nodeReports),
  };
  reader.done();
  if (hook.nodeReports && !hook.nodeWaits) {
    throw invalid(`${path}.nodeReports`, true, 'false when nodeWaits is false (only a waiting node reports)');
  }
  return hook;
}

function parseSubnet(value: Json, path: string): ScenarioSubnet {
  const reader = ObjectReader.of(value, path);
  const id = reader.string('id', undefined, /^subnet-[0-9a-z-]+$/, 'subnet-<id>');
  const cidr = reader.string('cidr');
  try {
    const parsed = parseCidr(cidr);
    if (parsed.prefixLength < 16 || parsed.prefixLength > 28) throw new InvalidIpv4Error('size');
  } catch {
    throw invalid(`${path}.cidr`, cidr, 'an IPv4 network a.b.c.d/16 to /28');
  }
  const availabilityZone = reader.string(
    'availabilityZone',
    undefined,
    /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/,
    'an AZ such as us-east-1a',
  );
  const tags = reader.stringMap('tags');
  const reservations = reader.array('reservations', []).map((r, index) => {
    const rPath = `${path}.reservations[${index}]`;
    const rReader = ObjectReader.of(r, rPath);
    const reservation = {
      cidr: rReader.string('cidr'),
      type: rReader.string('type', undefined, /^(prefix|explicit)$/, "'prefix' or 'explicit'") as
        | 'prefix'
        | 'explicit',
    };
    rReader.done();
    try {
      parseCidr(reservation.cidr);
    } catch {
      throw invalid(`${rPath}.cidr`, reservation.cidr, 'an IPv4 CIDR inside the subnet');
    }
    return reservation;
  });
  let preAllocated: ScenarioSubnet['preAllocated'] = null;
  if (reader.has('preAllocated')) {
    const pReader = ObjectReader.of(reader.raw('preAllocated'), `${path}.preAllocated`);
    preAllocated = {
      count: pReader.number('count', 0, 65_536),
      pattern: pReader.string(
        'pattern',
        'scattered',
        /^(scattered|packed|one-per-block)$/,
        "'scattered', 'packed' or 'one-per-block'",
      ) as 'scattered' | 'packed' | 'one-per-block',
    };
    pReader.done();
  } else {
    reader.raw('preAllocated');
  }
  reader.done();
  return { id, cidr, availabilityZone, tags, reservations, preAllocated };
}

function parseCni(value: Json, path: string, azOf: ReadonlyMap<string, string>): ScenarioCni {
  const reader = ObjectReader.of(value, path);
  const cni: ScenarioCni = {
    managedAddon: reader.boolean('managedAddon', true),
    prefixDelegation: reader.boolean('prefixDelegation', false),
    warmEniTarget: reader.number('warmEniTarget', 0, 100, 1),
    warmIpTarget: reader.number('warmIpTarget', 0, 10_000, 0),
    minimumIpTarget: reader.number('minimumIpTarget', 0, 10_000, 0),
    warmPrefixTarget: reader.number('warmPrefixTarget', 0, 100, 1),
    customNetworking: reader.boolean('customNetworking', false),
    podEni: reader.boolean('podEni', false),
    maxEni: reader.optionalNumber('maxEni', 1, 100),
    subnetDiscovery: reader.boolean('subnetDiscovery', true),
    eniConfigSubnets: reader.stringMap('eniConfigSubnets'),
  };
  reader.done();
  for (const [az, subnetId] of Object.entries(cni.eniConfigSubnets)) {
    if (azOf.get(subnetId) !== az) {
      throw invalid(`${path}.eniConfigSubnets.${az}`, subnetId, `a subnet of $.vpc.subnets in ${az}`);
    }
  }
  return cni;
}

function parseGroup(
  value: Json,
  path: string,
  azOf: ReadonlyMap<string, string>,
  cni: ScenarioCni,
): ScenarioGroup {
  const reader = ObjectReader.of(value, path);
  const name = reader.string('name', undefined, /^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'an Auto Scaling group name');
  const nodegroupName = reader.optionalString('nodegroupName');
  const instanceTypes = reader.array('instanceTypes', []).map((t, index) => {
    if (typeof t !== 'string' || !findSimulatorInstanceLimits(t))
      throw invalid(`${path}.instanceTypes[${index}]`, t, 'an instance type the simulator knows');
    return t;
  });
  if (reader.has('instanceTypes') && instanceTypes.length === 0)
    throw invalid(`${path}.instanceTypes`, [], 'at least one instance type');
  const instanceType = reader.string('instanceType', instanceTypes[0]);
  if (!findSimulatorInstanceLimits(instanceType)) {
    throw invalid(`${path}.instanceType`, instanceType, 'an instance type the simulator knows');
  }
  if (instanceTypes.length > 0 && instanceTypes[0] !== instanceType)
    throw invalid(`${path}.instanceType`, instanceType, `the first of instanceTypes (${instanceTypes[0]})`);
  const subnets = reader.array('subnets').map((s, index) => {
    if (typeof s !== 'string' || !azOf.has(s)) {
      throw invalid(`${path}.subnets[${index}]`, s, `one of ${[...azOf.keys()].join(', ')}`);
    }
    return s;
  });
  if (subnets.length === 0) throw invalid(`${path}.subnets`, [], 'at least one subnet');
  if (cni.customNetworking) {
    for (const subnetId of subnets) {
      const az = azOf.get(subnetId) as string;
      if (!cni.eniConfigSubnets[az]) {
        throw invalid(
          '$.cluster.cni.eniConfigSubnets',
          cni.eniConfigSubnets,
          `an ENIConfig subnet for ${az}`,
        );
      }
    }
  }
  const minSize = reader.number('minSize', 0, 100_000);
  const maxSize = reader.number('maxSize', minSize, 100_000);
  const desiredCapacity = reader.number('desiredCapacity', minSize, maxSize);
  const tags = reader.stringMap('tags');
  const podsPerNode = reader.number('podsPerNode', 0, 1000);
  const maxPods = reader.optionalNumber('maxPods', 1, 1000);
  let launchHook: ScenarioLaunchHook | null = null;
  if (reader.has('launchHook')) launchHook = parseLaunchHook(reader.raw('launchHook'), `${path}.launchHook`);
  else reader.raw('launchHook');
  reader.done();
  return {
    name,
    nodegroupName,
    instanceType,
    instanceTypes: instanceTypes.length > 0 ? instanceTypes : [instanceType],
    subnets,
    minSize,
    maxSize,
    desiredCapacity,
    tags,
    podsPerNode,
    maxPods,
    launchHook,
  };
}
