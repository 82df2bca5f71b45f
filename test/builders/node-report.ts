/** A node's report as EventBridge delivers it after the wait block's PutEvents. */
export function nodeReport(detail: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
  return {
    version: '0',
    id: 'report-1',
    'detail-type': 'Launch Gate Node Waiting',
    source: 'capacity-guard.node',
    account: '123456789012',
    time: '2026-12-02T10:00:05Z',
    region: 'eu-west-1',
    resources: [],
    detail,
    ...overrides,
  };
}
