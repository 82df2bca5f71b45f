import { readFileSync } from 'node:fs';
import { parseNodeReport } from '../../../../shared/events/node-report.js';
import { waitRecordsOf } from '../../../../shared/runtime/launch-gate.js';
import { nodeReport } from '../../../builders/node-report.js';

const lifecycleAction = JSON.parse(
  readFileSync('test/fixtures/events/aws.autoscaling/ec2-instance-launch-lifecycle-action.json', 'utf8'),
) as Record<string, unknown>;

describe('parseNodeReport', () => {
  it("reads the node's instance id and EventBridge's receipt time", () => {
    const report = parseNodeReport(
      nodeReport({ 'instance-id': 'i-0123456789abcdef0', 'reached-at': '2026-12-02T10:00:04Z' }),
    );
    expect(report).toEqual({
      eventId: 'report-1',
      instanceId: 'i-0123456789abcdef0',
      atMs: Date.parse('2026-12-02T10:00:05Z'),
    });
  });

  it('names the field and the expected form of a bad report', () => {
    expect(() => parseNodeReport(nodeReport({}))).toThrow('detail.instance-id: expected a non-empty string');
    expect(() => parseNodeReport(nodeReport({ 'instance-id': 'node-7' }))).toThrow(
      'detail.instance-id: expected an EC2 instance id (i- and 8 or 17 hex digits), got "node-7"',
    );
    expect(() =>
      parseNodeReport(nodeReport({ 'instance-id': 'i-0123456789abcdef0' }, { 'detail-type': 'Hello' })),
    ).toThrow("detail-type: expected 'Launch Gate Node Waiting' from source capacity-guard.node");
  });
});

describe('waitRecordsOf', () => {
  it('reads lifecycle actions as waits and node reports as reports, and lists a bad report as invalid', () => {
    const { records, reports, invalid } = waitRecordsOf(
      [
        { messageId: 'm-1', body: lifecycleAction },
        { messageId: 'm-2', body: nodeReport({ 'instance-id': 'i-0123456789abcdef0' }) },
        { messageId: 'm-3', body: nodeReport({ 'instance-id': 42 }) },
      ],
      [],
    );
    expect(records).toHaveLength(1);
    expect(reports).toEqual([
      { instanceId: 'i-0123456789abcdef0', atMs: Date.parse('2026-12-02T10:00:05Z') },
    ]);
    expect(invalid).toEqual([
      { messageId: 'm-3', reason: expect.stringContaining('detail.instance-id') as unknown as string },
    ]);
  });

  it('sets aside a valid event of another kind, naming the detail-types the launch gate takes', () => {
    const launched = JSON.parse(
      readFileSync('test/fixtures/events/aws.autoscaling/ec2-instance-launch-successful.json', 'utf8'),
    ) as Record<string, unknown>;
    const { records, invalid } = waitRecordsOf([{ messageId: 'm-1', body: launched }], []);
    expect(records).toEqual([]);
    expect(invalid).toEqual([
      {
        messageId: 'm-1',
        reason:
          "detail-type: expected 'EC2 Instance-launch Lifecycle Action' or 'Launch Gate Node Waiting', got \"EC2 Instance Launch Successful\"",
      },
    ]);
  });
});
