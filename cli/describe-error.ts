/** What the CLI prints for an error that is not a usage error: the error, each cause, and what to check. */

interface ErrorLike {
  readonly name: string;
  readonly message: string;
  readonly code?: unknown;
  readonly cause?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

const MAX_CAUSES = 6;

/** IAM prefixes of the services the adapters name in their messages ("EKS ListClusters failed"). */
const IAM_PREFIX: Readonly<Record<string, string>> = {
  EC2: 'ec2',
  EKS: 'eks',
  'Auto Scaling': 'autoscaling',
  AutoScaling: 'autoscaling',
};

/** The read-only permissions `audit --region` needs (docs/deploy.md, the capacity auditor's role). */
const AUDIT_PERMISSIONS =
  'ec2:DescribeSubnets, ec2:DescribeNetworkInterfaces, ec2:DescribeInstanceTypes, ec2:GetSubnetCidrReservations, ' +
  'autoscaling:DescribeAutoScalingGroups, eks:ListClusters, eks:ListNodegroups, eks:DescribeNodegroup, eks:DescribeAddon';

const ACCESS_DENIED = /^(AccessDenied(Exception)?|UnauthorizedOperation|UnauthorizedException|Forbidden)$/;
const BAD_CREDENTIALS =
  /^(CredentialsProviderError|UnrecognizedClientException|InvalidClientTokenId|AuthFailure|ExpiredToken(Exception)?|InvalidSignatureException|SignatureDoesNotMatch|TokenProviderError)$/;
const UNREACHABLE =
  /^(TimeoutError|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|EPIPE)$/;

function asErrorLike(value: unknown): ErrorLike | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const candidate = value as Partial<ErrorLike>;
  if (typeof candidate.message !== 'string') return undefined;
  // Error's own properties are not enumerable: read them one by one rather than spreading.
  return {
    name: typeof candidate.name === 'string' ? candidate.name : 'Error',
    message: candidate.message,
    code: candidate.code,
    cause: candidate.cause,
    ...(candidate.$metadata === undefined ? {} : { $metadata: candidate.$metadata }),
  };
}

/** The error and its `cause` chain, outermost first. */
export function causeChain(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (chain.length < MAX_CAUSES) {
    const next = asErrorLike(current);
    if (next === undefined || seen.has(current)) break;
    seen.add(current);
    chain.push(next);
    current = next.cause;
  }
  return chain;
}

function label(error: ErrorLike): string {
  const code = typeof error.code === 'string' && error.code !== error.name ? ` ${error.code}` : '';
  const status = error.$metadata?.httpStatusCode;
  return `${error.name}${code}${status === undefined ? '' : ` (HTTP ${status})`}`;
}

/** The IAM action an adapter message names, e.g. "EKS ListClusters failed" -> eks:ListClusters. */
function failedAction(chain: readonly ErrorLike[]): string | undefined {
  for (const error of chain) {
    const named = /\b(ec2|eks|autoscaling):(\w+) failed\b/.exec(error.message);
    if (named?.[1] !== undefined && named[2] !== undefined) return `${named[1]}:${named[2]}`;
    const match = /\b(EC2|EKS|Auto ?Scaling) (\w+) failed\b/.exec(error.message);
    const prefix = match?.[1] === undefined ? undefined : IAM_PREFIX[match[1]];
    if (prefix !== undefined && match?.[2] !== undefined) return `${prefix}:${match[2]}`;
  }
  return undefined;
}

/** A line saying what to check, from the innermost error that says something recognisable. */
function hint(chain: readonly ErrorLike[]): string | undefined {
  const action = failedAction(chain);
  for (const error of [...chain].reverse()) {
    const code = typeof error.code === 'string' ? error.code : '';
    if (ACCESS_DENIED.test(error.name) || /not authorized to perform/i.test(error.message)) {
      return (
        `check that the identity (aws sts get-caller-identity, --profile) may call ${action ?? 'the API named above'}; ` +
        `a live audit needs ${AUDIT_PERMISSIONS}`
      );
    }
    if (BAD_CREDENTIALS.test(error.name) || BAD_CREDENTIALS.test(code)) {
      return (
        'check the credentials: --profile or AWS_PROFILE, an expired session (aws sso login), and that --region is ' +
        'enabled for the account (opt-in Regions reject tokens until enabled)'
      );
    }
    if (/^(ENOTFOUND|UnknownEndpoint)$/.test(error.name) || code === 'ENOTFOUND') {
      return 'check the --region name: its endpoint could not be found (expected a Region such as us-east-1)';
    }
    if (UNREACHABLE.test(error.name) || UNREACHABLE.test(code)) {
      return (
        'check network access to the AWS endpoint of --region (proxy settings such as HTTPS_PROXY, VPC endpoints, ' +
        'AWS_ENDPOINT_URL) and that the Region is up'
      );
    }
    if (/^(Throttling(Exception)?|RequestLimitExceeded|TooManyRequestsException)$/.test(error.name)) {
      return 'the account is being throttled: retry later, or audit fewer clusters with --cluster';
    }
  }
  return undefined;
}

/**
 * Lines describing a failure: the error, then every cause (so the AWS error code and message behind an
 * adapter's error show), then what to check when the innermost error is one the CLI recognises.
 */
export function describeError(error: unknown): string[] {
  const chain = causeChain(error);
  if (chain.length === 0) return [String(error)];
  const [outer, ...causes] = chain;
  const lines = [`${label(outer as ErrorLike)}: ${(outer as ErrorLike).message}`];
  for (const cause of causes) lines.push(`  caused by ${label(cause)}: ${cause.message}`);
  const check = hint(chain);
  if (check !== undefined) lines.push(`  ${check}`);
  return lines;
}
