import {
  type CapacitySample,
  type ExhaustionForecast,
  ForecastMetric,
  forecastExhaustion,
} from '../../domain/exhaustion-forecast.js';
import type { SubnetHeadroom } from '../../domain/subnet-headroom.js';
import type { AuditStore } from '../../ports/audit-store.js';
import { mapWithConcurrency } from './map-with-concurrency.js';
import type { SubnetModel } from './subnet-models.js';

/** Calls of one kind made in parallel against a subnet-sized list. */
export const CONCURRENCY = 8;

export interface SubnetForecast {
  readonly subnetId: string;
  /** This run's sample, stored once the audit completes. */
  readonly current: CapacitySample;
  readonly ips: ExhaustionForecast;
  /** Only for subnets whose /28 blocks are watched. */
  readonly blocks: ExhaustionForecast | null;
}

/** Time to exhaustion per subnet from the stored samples and this run's, net of in-flight demand. */
export function forecastSubnets(
  store: Pick<AuditStore, 'readSamples'>,
  subnets: readonly SubnetModel[],
  headrooms: ReadonlyMap<string, SubnetHeadroom>,
  nowMs: number,
  windowMs: number,
): Promise<SubnetForecast[]> {
  return mapWithConcurrency(subnets, CONCURRENCY, async (model) => {
    const stored = await store.readSamples(model.info.subnetId, nowMs - windowMs);
    const current: CapacitySample = {
      atMs: nowMs,
      freeIpCount: model.info.availableIpCount,
      freePrefixBlocks: model.map?.freePrefixBlocks ?? null,
    };
    const samples = [...stored.filter((sample) => sample.atMs < nowMs), current];
    const headroom = headrooms.get(model.info.subnetId);
    const ips = forecastExhaustion(samples, { nowMs, headroomNow: headroom?.headroomIps ?? 0, windowMs });
    const blocksHeadroom = headroom?.prefixBlocksHeadroom ?? null;
    const blocks =
      model.prefixMode && blocksHeadroom !== null
        ? forecastExhaustion(samples, {
            nowMs,
            headroomNow: blocksHeadroom,
            metric: ForecastMetric.freePrefixBlocks,
            windowMs,
          })
        : null;
    return { subnetId: model.info.subnetId, current, ips, blocks };
  });
}
