import type { Clock } from '../ports/clock.js';
import type { ClusterDirectory, CniAddon } from '../ports/cluster-directory.js';
import type { CniAddonReader } from '../use-cases/cluster-cni.js';
import { logger } from './logger.js';

/** How long a cluster's `vpc-cni` add-on settings are reused before DescribeAddon is called again. */
export const CNI_ADDON_TTL_MS = 5 * 60_000;

/**
 * A cluster's `vpc-cni` add-on read once per `ttlMs` per container (the gate passes every few seconds; the add-on
 * changes rarely). A failed read is logged with its cause, not kept, and rethrown: the caller predicts from the
 * group's tags alone and the next pass reads again.
 */
export function cachedCniAddons(
  directory: Pick<ClusterDirectory, 'getCniAddon'>,
  clock: Clock,
  ttlMs: number = CNI_ADDON_TTL_MS,
): CniAddonReader {
  const cache = new Map<string, { readonly atMs: number; readonly addon: Promise<CniAddon | null> }>();
  return {
    getCniAddon(clusterName: string): Promise<CniAddon | null> {
      const nowMs = clock.nowMs();
      const hit = cache.get(clusterName);
      if (hit && nowMs - hit.atMs < ttlMs) return hit.addon;
      const addon = directory.getCniAddon(clusterName).catch((error: unknown) => {
        cache.delete(clusterName);
        logger.warn('cannot read the cluster vpc-cni add-on: predicting from group tags', {
          clusterName,
          error,
        });
        throw error;
      });
      cache.set(clusterName, { atMs: nowMs, addon });
      return addon;
    },
  };
}
