import type { CliCommand } from '../command.js';
import { auditCommand } from './audit.js';
import { gateCommand } from './gate.js';
import { maxPodsCommand } from './max-pods.js';
import { nodeIpsCommand } from './node-ips.js';
import { planCommand } from './plan.js';
import { simulateCommand } from './simulate.js';

/** Every sub-command, in help order. */
export const commands: readonly CliCommand[] = [
  auditCommand,
  gateCommand,
  maxPodsCommand,
  nodeIpsCommand,
  planCommand,
  simulateCommand,
];
