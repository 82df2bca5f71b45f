import type { NetworkInterfaceAddresses } from '../../ports/subnet-inventory.js';

/** DOMAIN.md §3: the attach budget is counted over a rolling 60 s window. */
const ATTACH_WINDOW_MS = 60_000;

/**
 * Attaches of the last 60 s among the ENIs of the audited subnets. The budget is Region-wide (DOMAIN.md §3):
 * ENIs in other subnets or VPCs are not listed by the audit, so this is the audited subnets' share only.
 */
export function attachesInWindow(enis: readonly NetworkInterfaceAddresses[], nowMs: number): number {
  // DOMAIN.md §3: the primary ENI (device index 0) comes with RunInstances, not AttachNetworkInterface.
  return enis.filter(
    (eni) =>
      eni.deviceIndex !== null &&
      eni.deviceIndex > 0 &&
      eni.attachTimeMs !== null &&
      eni.attachTimeMs > nowMs - ATTACH_WINDOW_MS &&
      eni.attachTimeMs <= nowMs,
  ).length;
}
