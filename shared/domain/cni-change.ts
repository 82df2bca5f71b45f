/**
 * How a VPC CNI setting is changed, as the exact command to run. Pure.
 *
 * The CNI's settings are the `aws-node` DaemonSet's environment, one per cluster: with the EKS managed add-on
 * they are the add-on's `configurationValues` (`env` map; EKS user guide, "Amazon VPC CNI" add-on
 * configuration; DOMAIN.md §4), else the DaemonSet itself. `update-addon --configuration-values` replaces the
 * whole document, so the command carries the current one with the new `env` keys merged in;
 * `--resolve-conflicts PRESERVE` keeps fields managed outside the add-on.
 */
/** Where a cluster's CNI settings live. */
export type CniSource =
  | {
      readonly kind: 'addon';
      readonly clusterName: string;
      /** The add-on's current `configurationValues`, read (shared/domain/addon-configuration.ts `addonDocument`). */
      readonly document: Readonly<Record<string, unknown>>;
    }
  | { readonly kind: 'daemonset'; readonly clusterName: string | null };

export interface CniChange {
  /** Where the settings go, in words. */
  readonly target: string;
  readonly command: string;
  /** The add-on's new `configurationValues` (add-on only). */
  readonly configurationValues?: string;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command that sets `settings` (CNI environment variables) on a cluster, keeping its other settings.
 *
 * @example
 * cniChange({ kind: 'addon', clusterName: 'prod', document: { env: { WARM_ENI_TARGET: '1' } } },
 *   { WARM_IP_TARGET: '2' }).command
 * // aws eks update-addon --cluster-name prod --addon-name vpc-cni --resolve-conflicts PRESERVE
 * //   --configuration-values '{"env":{"WARM_ENI_TARGET":"1","WARM_IP_TARGET":"2"}}'
 */
export function cniChange(source: CniSource, settings: Readonly<Record<string, string>>): CniChange {
  if (source.kind === 'daemonset') {
    const pairs = Object.entries(settings).map(([key, value]) => shellQuote(`${key}=${value}`));
    return {
      target: `the aws-node DaemonSet${source.clusterName === null ? '' : ` of ${source.clusterName}`} (self-managed CNI)`,
      command: `kubectl -n kube-system set env daemonset/aws-node ${pairs.join(' ')}`,
    };
  }
  const { document } = source;
  const env = typeof document.env === 'object' && document.env !== null ? document.env : {};
  const configurationValues = JSON.stringify({ ...document, env: { ...env, ...settings } });
  return {
    target: `the vpc-cni add-on of ${source.clusterName}`,
    command:
      `aws eks update-addon --cluster-name ${source.clusterName} --addon-name vpc-cni ` +
      `--resolve-conflicts PRESERVE --configuration-values ${shellQuote(configurationValues)}`,
    configurationValues,
  };
}
