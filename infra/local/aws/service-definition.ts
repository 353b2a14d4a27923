import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse, type Tags } from 'yaml';

/** A CloudFormation reference left in the template (!Ref X, !GetAtt X.Arn), by logical id. */
export interface CfnReference {
  ref: string;
  attribute?: string;
}

export interface BusRule {
  /** The function's rule, named as serverless names it. */
  name: string;
  pattern: Record<string, unknown>;
}

export interface FunctionDefinition {
  key: string;
  /** The deployed name: nfvi-doctor-<stage>-<key>. */
  name: string;
  timeoutS: number;
  /** How often an asynchronous invocation that failed is tried again (AWS: 0 to 2, default 2). */
  maximumRetryAttempts: number;
  /** The queue (logical id) an invocation goes to once its retries are exhausted. */
  onFailureQueue?: string;
  rules: BusRule[];
  /** rate(...) schedules, in milliseconds. */
  schedulesMs: number[];
}

export interface ServiceDefinition {
  stage: string;
  busName: string;
  functions: FunctionDefinition[];
  /** Logical id -> name. */
  topics: Map<string, string>;
  queues: Map<string, string>;
}

/** CloudFormation's short-form tags, kept as references (the emulators resolve the ones they need). */
export const cfnTags: Tags = [
  ...['Ref', 'Condition'].map((tag) => ({
    tag: `!${tag}`,
    resolve: (value: string): CfnReference => ({ ref: value }),
  })),
  {
    tag: '!GetAtt',
    resolve: (value: string): CfnReference => {
      const [ref, attribute] = value.split('.');
      return { ref: ref as string, ...(attribute ? { attribute } : {}) };
    },
  },
  ...[
    'Sub',
    'Join',
    'Split',
    'Select',
    'If',
    'Equals',
    'Not',
    'And',
    'Or',
    'FindInMap',
    'ImportValue',
    'Base64',
    'GetAZs',
  ].flatMap((tag) => [
    { tag: `!${tag}`, resolve: (value: unknown) => ({ [`Fn::${tag}`]: value }) },
    { tag: `!${tag}`, collection: 'seq' as const, resolve: (value: unknown) => ({ [`Fn::${tag}`]: value }) },
  ]),
];

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|second|seconds)\)$/;
const UNIT_MS: Record<string, number> = { second: 1000, minute: 60_000, hour: 3_600_000 };

const rateMs = (expression: string): number => {
  const match = RATE.exec(expression);
  if (!match) throw new Error(`schedule ${expression}: only rate(...) expressions run locally`);
  return Number(match[1]) * (UNIT_MS[(match[2] as string).replace(/s$/, '')] as number);
};

/**
 * What the local AWS services need of serverless.yml: each function's bus rules and schedules,
 * its timeout and retry settings, and the topics and queues its resources declare. The stage's
 * variables are resolved as serverless would for stage `stage` (`${sls:stage}`, `${file(...)}`).
 */
export function readServiceDefinition(serverlessYml: string, stage: string): ServiceDefinition {
  const root = dirname(serverlessYml);
  const load = (file: string): Record<string, unknown> => {
    const text = readFileSync(file, 'utf8').replaceAll('${sls:stage}', stage);
    return parse(text, { customTags: cfnTags }) as Record<string, unknown>;
  };
  const service = load(serverlessYml);
  const serviceName = String(service.service);
  const provider = service.provider as { timeout?: number };
  const functions = Object.entries(service.functions as Record<string, Record<string, unknown>>).map(
    ([key, fn]): FunctionDefinition => {
      const events = (fn.events as Record<string, unknown>[] | undefined) ?? [];
      const onFailure = (fn.destinations as { onFailure?: { arn?: CfnReference } } | undefined)?.onFailure?.arn;
      return {
        key,
        name: `${serviceName}-${stage}-${key}`,
        timeoutS: Number(fn.timeout ?? provider.timeout ?? 6),
        maximumRetryAttempts: Number(fn.maximumRetryAttempts ?? 2),
        ...(onFailure?.ref ? { onFailureQueue: onFailure.ref } : {}),
        rules: events.flatMap((event, index) => {
          const bus = event.eventBridge as { pattern?: Record<string, unknown> } | undefined;
          return bus?.pattern
            ? [{ name: `${serviceName}-${stage}-${key}-rule-${index + 1}`, pattern: bus.pattern }]
            : [];
        }),
        schedulesMs: events.flatMap((event) => {
          const schedule = (event.eventBridge as { schedule?: string } | undefined)?.schedule ?? event.schedule;
          return typeof schedule === 'string' ? [rateMs(schedule)] : [];
        }),
      };
    },
  );
  const resources = ((service.resources as unknown[]) ?? []).map((entry) => {
    const match = typeof entry === 'string' ? /^\$\{file\((.+)\)\}$/.exec(entry) : null;
    return match ? load(join(root, match[1] as string)) : (entry as Record<string, unknown>);
  });
  const declared = Object.assign(
    {},
    ...resources.map(
      (r) => (r.Resources as Record<string, { Type: string; Properties?: Record<string, unknown> }>) ?? {},
    ),
  ) as Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  const named = (type: string, property: string) =>
    new Map(
      Object.entries(declared)
        .filter(([, resource]) => resource.Type === type)
        .map(([logicalId, resource]) => [logicalId, String(resource.Properties?.[property])]),
    );
  const buses = [...named('AWS::Events::EventBus', 'Name').values()];
  return {
    stage,
    busName: buses[0] ?? 'default',
    functions,
    topics: named('AWS::SNS::Topic', 'TopicName'),
    queues: named('AWS::SQS::Queue', 'QueueName'),
  };
}
