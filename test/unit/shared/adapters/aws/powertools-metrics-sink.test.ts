import { Metrics } from '@aws-lambda-powertools/metrics';
import { jest } from '@jest/globals';
import {
  METRICS_NAMESPACE,
  PowertoolsMetricsSink,
} from '../../../../../shared/adapters/aws/powertools-metrics-sink.js';
import { SERVICE_NAME } from '../../../../../shared/runtime/logger.js';

describe('PowertoolsMetricsSink', () => {
  it('writes one EMF line per dimension set in the CapacityGuard namespace', async () => {
    // Prepare
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
    const sink = new PowertoolsMetricsSink(metrics);

    // Act
    await sink.emit([
      { name: 'FreeIps', unit: 'Count', value: 120, dimensions: { SubnetId: 'subnet-a' } },
      { name: 'FreePrefixBlocks', unit: 'Count', value: 4, dimensions: { SubnetId: 'subnet-a' } },
      { name: 'HeadroomNodes', unit: 'Count', value: 7, dimensions: { NodeGroup: 'prod/general' } },
      { name: 'AttachBudgetUsed', unit: 'Percent', value: 12.5, dimensions: {} },
    ]);
    write.mockRestore();

    // Assess
    const emf = lines.map((line) => JSON.parse(line));
    expect(emf).toHaveLength(3);
    expect(emf[0]).toMatchObject({ SubnetId: 'subnet-a', FreeIps: 120, FreePrefixBlocks: 4 });
    expect(emf[0]._aws.CloudWatchMetrics[0].Namespace).toBe('CapacityGuard');
    expect(emf[1]).toMatchObject({ NodeGroup: 'prod/general', HeadroomNodes: 7 });
    expect(emf[2]).toMatchObject({ AttachBudgetUsed: 12.5 });
    expect(emf[2]._aws.CloudWatchMetrics[0].Metrics).toEqual([{ Name: 'AttachBudgetUsed', Unit: 'Percent' }]);
  });
});
