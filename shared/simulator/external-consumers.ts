import type { Ec2Model, SimInstance } from './ec2-model.js';
import { IPAMD_CYCLE_MS } from './ipamd-node.js';
import type { ExternalConsumer, Scenario } from './scenario.js';
import type { RandomStreams } from './seeded-random.js';
import type { SimClock } from './sim-event.js';
import { isSimulatedApiError } from './simulated-api-error.js';

export interface ExternalConsumersEnv {
  readonly scenario: Scenario;
  readonly ec2: Ec2Model;
  readonly clock: SimClock;
  /** Per-consumer streams (gaps between attaches). */
  readonly streams: RandomStreams;
}

/**
 * Other workloads of the account attaching ENIs at their own rate: their calls spend the same EC2 buckets
 * and the same attach budget as the cluster's nodes.
 */
export class ExternalConsumers {
  private readonly sinks: (SimInstance | null)[] = [];

  constructor(private readonly env: ExternalConsumersEnv) {}

  /** Schedules every consumer's first attach. */
  start(): void {
    this.env.scenario.externalConsumers.forEach((consumer, index) => {
      this.sinks.push(null);
      if (consumer.attachesPerMin > 0) {
        this.env.clock.at(Math.round(consumer.fromSec * 1000) + this.gapMs(consumer, index), {
          kind: 'external-attach',
          consumer: index,
        });
      }
    });
  }

  private gapMs(consumer: ExternalConsumer, index: number): number {
    const meanMs = 60_000 / consumer.attachesPerMin;
    return Math.max(
      1,
      Math.round(
        meanMs *
          this.env.streams.of(`external:${index}`).uniform(1 - consumer.gapSpread, 1 + consumer.gapSpread),
      ),
    );
  }

  /** Another workload in the account attaching one ENI (its calls spend the same buckets and budget). */
  attach(index: number): void {
    const consumer = this.env.scenario.externalConsumers[index];
    if (!consumer) return;
    if (consumer.toSec === null || this.env.clock.nowSimMs + 1 <= consumer.toSec * 1000) {
      this.env.clock.at(this.env.clock.nowSimMs + this.gapMs(consumer, index), {
        kind: 'external-attach',
        consumer: index,
      });
    }
    if (consumer.toSec !== null && this.env.clock.nowSimMs > consumer.toSec * 1000) return;
    let sink = this.sinks[index] ?? null;
    if (!sink) {
      const wasBypassing = this.env.ec2.bypassLimits;
      sink = this.env.ec2.runInstance({
        subnetId: consumer.subnetId,
        limits: {
          instanceType: 'c5.large',
          maxEnis: 1_000_000,
          ipv4PerEni: 10,
          vcpus: 2,
          hypervisor: 'nitro',
          bareMetal: false,
          source: 'simulator: stands for the other workload fleet',
        },
        tags: { Name: consumer.name },
      });
      this.env.ec2.bypassLimits = wasBypassing;
      sink.state = 'running';
      this.sinks[index] = sink;
    }
    let eniId: string | null = null;
    try {
      const eni = this.env.ec2.createNetworkInterface({
        subnetId: consumer.subnetId,
        description: consumer.name,
      });
      eniId = eni.id;
      const slot = sink.networkInterfaceIds.indexOf(null);
      this.env.ec2.attachNetworkInterface(
        eni.id,
        sink.id,
        slot >= 0 ? slot : sink.networkInterfaceIds.length,
        consumer.name,
      );
      this.env.clock.at(this.env.clock.nowSimMs + Math.round(consumer.eniLifetimeSec * 1000), {
        kind: 'external-release',
        eniId: eni.id,
        consumer: index,
      });
    } catch (error) {
      if (!isSimulatedApiError(error)) throw error;
      if (eniId) this.env.ec2.deleteAfterFailedAttach(eniId);
    }
  }

  release(eniId: string, index: number): void {
    try {
      this.env.ec2.detachNetworkInterface(eniId);
      this.env.ec2.deleteNetworkInterface(eniId);
    } catch (error) {
      if (!isSimulatedApiError(error, 'RequestLimitExceeded')) throw error;
      this.env.clock.at(this.env.clock.nowSimMs + IPAMD_CYCLE_MS, {
        kind: 'external-release',
        eniId,
        consumer: index,
      });
    }
  }
}
