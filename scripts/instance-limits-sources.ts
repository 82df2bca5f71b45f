/** Where each source label used in rows comes from; README.md in data/ says the same. */
export const KNOWN_SOURCES: Readonly<Record<string, string>> = {
  'amazon-eks-ami:instance-info.jsonl':
    'github.com/awslabs/amazon-eks-ami nodeadm/internal/kubelet/instance-info.jsonl (defaultMaxENIs, ipv4AddressesPerInterface)',
  'aws-docs:instancetypes/gp.html':
    'docs.aws.amazon.com/ec2/latest/instancetypes/gp.html (vCPUs, hypervisor of general purpose types)',
  'aws-docs:instancetypes/mo.html':
    'docs.aws.amazon.com/ec2/latest/instancetypes/mo.html (vCPUs, hypervisor of memory optimized types)',
  'amazon-vpc-cni-k8s:gen_vpc_ip_limits.go':
    'github.com/aws/amazon-vpc-cni-k8s scripts/gen_vpc_ip_limits.go addManualLimits (bare metal, hypervisor unknown)',
};

/** The `--generated-at` flag (default now), checked to be an ISO-8601 time. */
export function parseGeneratedAt(value: string | undefined): string {
  const generatedAt = value ?? new Date().toISOString();
  if (Number.isNaN(Date.parse(generatedAt))) {
    throw new Error(
      `--generated-at is '${generatedAt}', expected an ISO-8601 time such as 2025-01-01T00:00:00Z`,
    );
  }
  return generatedAt;
}
