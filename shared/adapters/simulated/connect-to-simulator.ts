import { AutoScalingClient, AutoScalingServiceException } from '@aws-sdk/client-auto-scaling';
import { EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { EKSClient, EKSServiceException, ResourceNotFoundException } from '@aws-sdk/client-eks';
import { EventBridgeClient, EventBridgeServiceException } from '@aws-sdk/client-eventbridge';
import { SNSClient, SNSServiceException } from '@aws-sdk/client-sns';
import type {
  FinalizeHandler,
  FinalizeHandlerArguments,
  FinalizeHandlerOutput,
  HandlerExecutionContext,
  MetadataBearer,
  RelativeMiddlewareOptions,
} from '@smithy/types';
import { connectionResetError, GuardInvocationDiedError } from '../../simulator/guard-faults.js';
import type { GuardClients } from '../../simulator/guard-plugin.js';
import type { SimulatedAccount } from '../../simulator/simulated-account.js';
import { SimulatedApiError } from '../../simulator/simulated-api-error.js';
import { answerCommand } from './simulated-api.js';

/** Any SDK v3 client: only its middleware stack is touched. */
export interface BridgeableClient {
  readonly middlewareStack: {
    addRelativeTo(middleware: unknown, options: RelativeMiddlewareOptions): void;
  };
}

const MIDDLEWARE_NAME = 'capacityGuardSimulator';

/** The header the SDK's retry middleware gives every attempt of one call (`amz-sdk-invocation-id`). */
const INVOCATION_ID_HEADER = 'amz-sdk-invocation-id';

/**
 * Answers every request of `client` from the simulated account. The middleware sits in the
 * `finalizeRequest` step right after the SDK's retry middleware, so the real paginators, error
 * classes and retry / throttling classification run; the HTTP handler is never reached.
 * `identityArn` is who the calls appear as in CloudTrail events.
 */
export function connectToSimulator<C extends BridgeableClient>(
  client: C,
  account: SimulatedAccount,
  identityArn: string,
): C {
  let requestCounter = 0;
  const middleware =
    (_next: FinalizeHandler<object, MetadataBearer>, context: HandlerExecutionContext) =>
    async (args: FinalizeHandlerArguments<object>): Promise<FinalizeHandlerOutput<MetadataBearer>> => {
      requestCounter += 1;
      const requestId = `sim-${requestCounter.toString(16).padStart(8, '0')}`;
      const clientName = context.clientName ?? 'UnknownClient';
      const commandName = context.commandName ?? 'UnknownCommand';
      const guardCall = identityArn === account.guard?.identityArn;
      // One id for a call and its retries (the retry middleware sets it once per call).
      const callId = (args.request as { headers?: Record<string, string> } | undefined)?.headers?.[
        INVOCATION_ID_HEADER
      ];
      const action = commandName.replace(/Command$/, '');
      const fate = guardCall ? account.guardFaults.beforeCall(callId) : 'none';
      if (fate === 'dead') throw new GuardInvocationDiedError(`${action}: the invocation has died`);
      if (fate === 'lost') throw connectionResetError(action);
      try {
        const output = answerCommand(
          account,
          clientName,
          commandName,
          args.input as Record<string, unknown>,
          identityArn,
        );
        const struck = guardCall
          ? account.guardFaults.afterAnswer(
              clientName === 'AutoScalingClient' ? 'autoscaling' : 'other',
              action,
              callId,
            )
          : null;
        if (struck !== null) {
          account.metrics.note(`guard-crash after ${struck}: ${action} took effect`);
        }
        // The write happened at AWS either way: the invocation dies with it, or its answer is lost.
        if (struck === 'asg-write')
          throw new GuardInvocationDiedError(`${action}: the invocation died after the write`);
        if (struck === 'asg-write-ambiguous') throw connectionResetError(action);
        return {
          output: {
            ...output,
            $metadata: { httpStatusCode: 200, requestId, attempts: 1, totalRetryDelay: 0 },
          },
          response: { statusCode: 200, headers: {} },
        };
      } catch (error) {
        if (error instanceof SimulatedApiError) throw toServiceException(clientName, error, requestId);
        throw error;
      }
    };
  client.middlewareStack.addRelativeTo(middleware, {
    name: MIDDLEWARE_NAME,
    relation: 'after',
    toMiddleware: 'retryMiddleware',
    override: true,
  });
  return client;
}

/** The SDK's own exception classes, so callers' `instanceof` and `name` checks work as against AWS. */
function toServiceException(clientName: string, error: SimulatedApiError, requestId: string): Error {
  const options = {
    name: error.code,
    $fault: error.httpStatusCode >= 500 ? ('server' as const) : ('client' as const),
    $metadata: { httpStatusCode: error.httpStatusCode, requestId, attempts: 1, totalRetryDelay: 0 },
    message: error.message,
  };
  switch (clientName) {
    case 'EC2Client':
      return new EC2ServiceException(options);
    case 'AutoScalingClient':
      return new AutoScalingServiceException(options);
    case 'EKSClient':
      if (error.code === 'ResourceNotFoundException') {
        return new ResourceNotFoundException({ $metadata: options.$metadata, message: error.message });
      }
      return new EKSServiceException(options);
    case 'SNSClient':
      return new SNSServiceException(options);
    case 'EventBridgeClient':
      return new EventBridgeServiceException(options);
    default:
      return Object.assign(new Error(error.message), { name: error.code, $metadata: options.$metadata });
  }
}

/**
 * SDK clients bridged to `account` for `identityArn`, with static fake credentials (the signer never
 * runs: the bridge answers before it).
 */
export function createSimulatedClients(account: SimulatedAccount, identityArn: string): GuardClients {
  const config = {
    region: account.scenario.account.region,
    credentials: { accessKeyId: 'ASIASIMULATEDKEY0001', secretAccessKey: 'simulated-secret' },
    maxAttempts: 3,
  };
  return {
    ec2: connectToSimulator(new EC2Client(config), account, identityArn),
    autoScaling: connectToSimulator(new AutoScalingClient(config), account, identityArn),
    eks: connectToSimulator(new EKSClient(config), account, identityArn),
    sns: connectToSimulator(new SNSClient(config), account, identityArn),
    eventBridge: connectToSimulator(new EventBridgeClient(config), account, identityArn),
  };
}
