import type { GatePolicy } from '../../domain/launch-gate.js';
import type { AccountAttaches } from '../../ports/account-attaches.js';
import type { Clock } from '../../ports/clock.js';
import type { EventPublisher } from '../../ports/event-publisher.js';
import type { GateStateStore } from '../../ports/gate-state-store.js';
import type { InstanceCatalog } from '../../ports/instance-catalog.js';
import type { KillSwitch } from '../../ports/kill-switch.js';
import type { LifecycleActions } from '../../ports/lifecycle-actions.js';
import type { ScalingGroups } from '../../ports/scaling-groups.js';
import type { CniAddonReader } from '../cluster-cni.js';

export interface GateSettings {
  readonly policy: GatePolicy;
  /** The launch hook the guard's lifecycle actions name. */
  readonly hookName: string;
  readonly optInTagKey: string;
  readonly optInTagValue: string;
  /** How long a learned per-group prediction is trusted before it is read again. */
  readonly peerRefreshMs: number;
}

/** What the launch gate needs, injected by the handler (or the simulator). */
export interface GateDeps {
  readonly groups: Pick<
    ScalingGroups,
    'listWithTagKeys' | 'markPaced' | 'describe' | 'setInstanceProtection'
  >;
  readonly attaches: AccountAttaches;
  readonly actions: LifecycleActions;
  readonly store: GateStateStore;
  readonly catalog: InstanceCatalog;
  readonly events: EventPublisher;
  readonly killSwitch: KillSwitch;
  readonly clock: Clock;
  readonly settings: GateSettings;
  /** Reads the clusters' `vpc-cni` add-on settings the predictions start from; absent: group tags alone. */
  readonly clusters?: CniAddonReader;
}
