import { addonDocument } from '../../../../shared/domain/addon-configuration.js';
import { cniChange } from '../../../../shared/domain/cni-change.js';
import { documentReaderFor } from '../../../../shared/use-cases/addon-document-reader.js';

describe('cniChange', () => {
  it('merges the new settings into the add-on configuration, keeping its other keys', async () => {
    // Arrange: YAML, with a key outside env.
    const yaml = 'env:\n  WARM_ENI_TARGET: "1"\ninit:\n  env:\n    DISABLE_TCP_EARLY_DEMUX: "true"\n';
    const document = addonDocument(yaml, await documentReaderFor(yaml));

    // Act
    const change = cniChange({ kind: 'addon', clusterName: 'prod', document }, { WARM_IP_TARGET: '2' });

    // Assess
    expect(JSON.parse(change.configurationValues ?? '')).toEqual({
      env: { WARM_ENI_TARGET: '1', WARM_IP_TARGET: '2' },
      init: { env: { DISABLE_TCP_EARLY_DEMUX: 'true' } },
    });
    expect(change.command).toBe(
      `aws eks update-addon --cluster-name prod --addon-name vpc-cni --resolve-conflicts PRESERVE --configuration-values '${change.configurationValues}'`,
    );
  });

  it('sets a self-managed CNI on its DaemonSet, each pair quoted', () => {
    expect(cniChange({ kind: 'daemonset', clusterName: 'lab' }, { MAX_ENI: '2' })).toEqual({
      target: 'the aws-node DaemonSet of lab (self-managed CNI)',
      command: "kubectl -n kube-system set env daemonset/aws-node 'MAX_ENI=2'",
    });
  });
});
