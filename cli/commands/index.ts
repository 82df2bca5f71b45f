import type { CommandEntry } from '../command.js';

/** Every sub-command, in help order; each module loads only when its command is used. */
export const commands: readonly CommandEntry[] = [
  {
    name: 'audit',
    summary: 'subnet and node-group headroom, /28 blocks, alerts and recommendations, read-only',
    load: async () => (await import('./audit.js')).auditCommand,
  },
  {
    name: 'gate',
    summary: 'gate mode: node-side wait snippets, the launch lifecycle hook, and what waits now',
    load: async () => (await import('./gate.js')).gateCommand,
  },
  {
    name: 'max-pods',
    summary: 'pods per node for instance types under a VPC CNI configuration',
    load: async () => (await import('./max-pods.js')).maxPodsCommand,
  },
  {
    name: 'node-ips',
    summary: 'IPs, /28 prefixes, ENIs and ENI attachments one node takes with N pods',
    load: async () => (await import('./node-ips.js')).nodeIpsCommand,
  },
  {
    name: 'plan',
    summary: 'the staggered schedule for scaling a node group under the ENI attach budget',
    load: async () => (await import('./plan.js')).planCommand,
  },
  {
    name: 'simulate',
    summary: 'a what-if scenario in the simulated account (timeline, summary, chart)',
    load: async () => (await import('./simulate.js')).simulateCommand,
  },
];
