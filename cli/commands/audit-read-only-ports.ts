import { InMemoryAuditStore } from '../../shared/adapters/memory/in-memory-audit-store.js';
import { RecordingAlertPublisher } from '../../shared/adapters/memory/recording-alert-publisher.js';
import { RecordingMetricsSink } from '../../shared/adapters/memory/recording-metrics-sink.js';

/** The CLI audits read-only: nothing is stored, published or sent to CloudWatch. */
export function readOnlyPorts() {
  return {
    store: new InMemoryAuditStore(),
    publisher: new RecordingAlertPublisher(),
    metrics: new RecordingMetricsSink(),
  };
}
