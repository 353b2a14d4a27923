/**
 * A MODEL, not a measurement: what the fault paths would take on AWS, projected from published
 * service latencies (each figure below keeps its sources), because nothing here was measured on
 * AWS. Each path is the sequence of remote calls on its critical path; a step of N calls made
 * in parallel ends with the last of them.
 *
 * Composition: p50 is the sum of the steps' p50s and p99 the sum of their p99s: every step at
 * its own p99 at once, which for independent steps is much rarer than 1 in 100. A conservative
 * estimate for latencies like these, though not a mathematical bound for any distribution.
 * `p99IfIndependentMs` is the likelier figure if the steps are independent: the p50s plus the
 * root sum of squares of each step's p99 - p50. For a step of N > 1 parallel calls, each call's
 * latency is taken as lognormal, fitted to its p50 and p99, and the step's quantile q is the
 * call's quantile q^(1/N) (the last of N); for N = 1 that is the published figures themselves.
 */

import { normalQuantile } from './normal-quantile';

/** The target the single fault's projected p99 is held against. */
export const SINGLE_FAULT_TARGET_P99_MS = 500;

export type FigureKind = 'AWS published' | 'third-party measurement' | 'this repository, measured' | 'assumption';

export interface Source {
  title: string;
  url: string;
  /** What it says that the figure rests on (paraphrased). */
  says: string;
}

export interface Figure {
  id: FigureId;
  what: string;
  p50Ms: number;
  p99Ms: number;
  kind: FigureKind;
  /** How the p50/p99 were chosen from the sources, where they do not state them as such. */
  basis: string;
  sources: Source[];
}

const BITE_SIZED: Source = {
  title: 'Serverless Messaging: Latency Compared (Bite-Sized Serverless, Luc van Donkersgoed)',
  url: 'https://bitesizedserverless.com/bite/serverless-messaging-latency-compared/',
  says: 'producer Lambda to consumer Lambda, 1,024 messages, eu-west-1: EventBridge (after its February 2023 update) P10 113 / P50 148 / P90 241 / P99 387 ms; SNS Standard P10 62 / P50 73 / P90 125 / P99 225 ms; both push, async Lambda invocation',
};

/** The published figures the model is made of. */
export const FIGURES = {
  eventBridgeToLambda: {
    what: 'PutEvents -> EventBridge rule -> Lambda function (async invoke, warm), from before PutEvents to the handler',
    p50Ms: 148,
    p99Ms: 387,
    kind: 'third-party measurement',
    basis:
      "the EventBridge row measured after the February 2023 update; AWS's own end-to-end figures were not found in the sources searched",
    sources: [BITE_SIZED],
  },
  lambdaWarmInvoke: {
    what: "Lambda's own overhead on a warm invoke",
    p50Ms: 0,
    p99Ms: 0,
    kind: 'third-party measurement',
    basis:
      'included in the EventBridge -> Lambda figure, which was measured into the consumer function; about 1-2 ms on its own',
    sources: [
      {
        title: 'Operating Lambda: Performance optimization - Part 1 (AWS Compute Blog)',
        url: 'https://aws.amazon.com/cn/blogs/compute/operating-lambda-performance-optimization-part-1/',
        says: 'a request reusing a retained execution environment skips downloading the code and the init code, so it finishes more quickly than a cold start',
      },
      {
        title: 'Review Lambda latency (imarck.dev)',
        url: 'https://imarck.dev/blog/art_1_lambda_latency',
        says: 'on a warm start the code starts running within about 1-2 ms',
      },
    ],
  },
  lambdaVpc: {
    what: 'Lambda in a VPC: per-invoke network setup',
    p50Ms: 0,
    p99Ms: 0,
    kind: 'AWS published',
    basis:
      'the Hyperplane ENI is created with the function configuration and shared; an invocation tunnels through it and creates nothing',
    sources: [
      {
        title:
          'Configuring a Lambda function to access resources in a VPC (AWS Lambda Developer Guide, awsdocs/aws-lambda-developer-guide)',
        url: 'https://github.com/awsdocs/aws-lambda-developer-guide/blob/main/doc_source/configuration-vpc.md',
        says: 'Lambda creates a network interface per security group and subnet combination when the function is connected (about a minute); functions on the same subnets share it',
      },
      {
        title: 'Amazon announces improved VPC networking for AWS Lambda functions (Packt Hub, on the AWS announcement)',
        url: 'https://hub.packtpub.com/amazon-announces-improved-vpc-networking-for-aws-lambda-functions/',
        says: 'when a function is invoked, the execution environment uses the pre-created Hyperplane network interface and a network tunnel to it',
      },
    ],
  },
  lambdaColdStartNode: {
    what: 'Lambda cold start of a Node.js function with the AWS SDK (a new execution environment)',
    p50Ms: 200,
    p99Ms: 600,
    kind: 'third-party measurement',
    basis: 'p50 the simple-function figure, p99 the top of the with-SDK range',
    sources: [
      {
        title: 'Warmup solves 98% of AWS Lambda cold starts while 100x cheaper than provisioned concurrency',
        url: 'https://hieudd.substack.com/p/warmup-solves-98-of-aws-lambda-cold',
        says: 'a simple Node.js function cold-starts in about 200 ms; with more AWS SDK and library imports about 400-600 ms',
      },
    ],
  },
  dynamoDbRequest: {
    what: 'DynamoDB GetItem, Query of one small partition (about 20 items) or conditional UpdateItem, from Lambda in the same Region over a kept-alive connection',
    p50Ms: 5,
    p99Ms: 20,
    kind: 'assumption',
    basis:
      'AWS publishes single-digit millisecond averages (service side), no p50 or p99; p50 5 ms within that, p99 20 ms at the top of the 10-20 ms a third party gives as typical end to end',
    sources: [
      {
        title: 'How can I troubleshoot high latency on an Amazon DynamoDB table? (AWS re:Post Knowledge Center)',
        url: 'https://repost.aws/knowledge-center/dynamodb-high-latency',
        says: 'for atomic operations such as GetItem and PutItem the average latency is in single-digit milliseconds; Query latency depends on the result size; SuccessfulRequestLatency excludes the client side',
      },
      {
        title: 'Understanding Amazon DynamoDB latency (AWS Database Blog)',
        url: 'https://aws.amazon.com/blogs/database/understanding-amazon-dynamodb-latency/',
        says: 'DynamoDB provides single-digit millisecond performance for workloads of all sizes; end-to-end latency is service side plus client side',
      },
      {
        title: 'DynamoDB Performance & Latency - Everything You Need To Know (Dynobase)',
        url: 'https://dynobase.dev/dynamodb-performance-latency/',
        says: 'operations complete in about 10 to 20 ms under typical conditions',
      },
    ],
  },
  snsToSubscriber: {
    what: 'SNS Publish(Batch) -> delivery to a subscriber, from before the call to the subscriber',
    p50Ms: 73,
    p99Ms: 225,
    kind: 'third-party measurement',
    basis:
      'measured with a Lambda subscriber; no HTTP/S delivery latency is published, so the HTTPS hop is added apart',
    sources: [
      BITE_SIZED,
      {
        title: "I'm losing trust in AWS. SNS is broken for 65 days (cloudonaut)",
        url: 'https://cloudonaut.io/loosing-trust-in-aws-sns-broken-for-24-days/',
        says: 'in 2020 HTTPS subscriptions saw deliveries delayed by more than 30 minutes for weeks (dwellTimeMs in the delivery status logs): a tail no percentile here covers',
      },
    ],
  },
  httpsSubscriberHop: {
    what: "SNS's HTTPS POST to the tenant's endpoint, beyond a delivery to Lambda",
    p50Ms: 10,
    p99Ms: 50,
    kind: 'assumption',
    basis: 'an endpoint in or near the same Region, connection kept alive; a distant endpoint adds its round trips',
    sources: [
      {
        title: 'Fanout Amazon SNS notifications to HTTPS endpoints (Amazon SNS Developer Guide)',
        url: 'https://docs.aws.amazon.com/sns/latest/dg/SendMessageToHttp.https.html',
        says: 'SNS sends an HTTP POST with the notification to each subscribed HTTP/S endpoint (no latency stated)',
      },
    ],
  },
  correlatorCpu: {
    what: "The correlator's own work for one transition of a 20-instance host (decide, alarms, notifications)",
    p50Ms: 0.25,
    p99Ms: 8,
    kind: 'this repository, measured',
    basis:
      'test/bench/correlation-core.ts, in-memory ports, on a 2-vCPU machine shared with another benchmark, 2026-12-07: p50 0.25 ms in every run, p99 1.6-8.3 ms (garbage collection; the worst run taken). A Lambda of 1,769 MB or more has at least one vCPU',
    sources: [
      {
        title: 'test/bench/correlation-core.ts (this repository)',
        url: 'test/bench/correlation-core.ts',
        says: 'per transition event of a 20-instance host: p50 about 0.25 ms, p99 1.6-8.3 ms over five runs',
      },
    ],
  },
  novaApiCall: {
    what: "One Nova API call (os-services force-down, or an instance's reset-state) from the VPC to the operator's nova-api",
    p50Ms: 80,
    p99Ms: 300,
    kind: 'assumption',
    basis:
      "not an AWS service: the operator's OpenStack over Direct Connect or VPN; p50 from the local nova-api's reset-state calls, p99 from the top of Doctor's T04 range",
    sources: [
      {
        title: 'docs/benchmarks.md, VIM path (this repository)',
        url: 'docs/benchmarks.md',
        says: "the local nova-api takes about 60-80 ms per reset-state call; Doctor's reference chain marks the host down (T04) in 0.11-0.30 s",
      },
    ],
  },
} satisfies Record<string, Omit<Figure, 'id'>>;

export type FigureId = keyof typeof FIGURES;

/** One step of a path's critical path: `parallel` calls of one kind at once, ending with the last. */
export interface StepSpec {
  call: string;
  figure: FigureId;
  parallel: number;
  /** The figure times this (the correlator's CPU for more instances than it was measured with). */
  scale?: number;
  note?: string;
}

export interface Step extends StepSpec {
  p50Ms: number;
  p99Ms: number;
  kind: FigureKind;
  sources: Source[];
}

export interface PathProjection {
  name: string;
  from: string;
  to: string;
  steps: Step[];
  /** The remote calls made one after another on the critical path (each step's calls run in parallel). */
  sequentialRemoteCalls: number;
  p50Ms: number;
  p99Ms: number;
  p99IfIndependentMs: number;
  targetP99Ms?: number;
  meetsTarget?: boolean;
  notes: string[];
}

export interface AwsProjection {
  kind: 'model';
  note: string;
  composition: string;
  figures: Figure[];
  paths: PathProjection[];
  /** The EventBridge -> Lambda p99 at which the single fault's projected p99 would meet its target, the rest unchanged. */
  singleFaultEventBridgeP99NeededMs: number;
}

const Z99 = normalQuantile(0.99);

/** The q-quantile of the last of `n` parallel calls, each lognormal through the figure's p50 and p99. */
function lastOf(figure: { p50Ms: number; p99Ms: number }, n: number, q: number): number {
  if (n === 1) return q === 0.5 ? figure.p50Ms : figure.p99Ms;
  if (figure.p50Ms === 0) return 0;
  const sigma = Math.log(figure.p99Ms / figure.p50Ms) / Z99;
  return figure.p50Ms * Math.exp(sigma * normalQuantile(q ** (1 / n)));
}

/** The figures that are calls to a service (the others are CPU, start-up or a part of another call). */
const REMOTE_CALLS = new Set<FigureId>(['eventBridgeToLambda', 'dynamoDbRequest', 'snsToSubscriber', 'novaApiCall']);

const round = (ms: number) => Math.round(ms * 10) / 10;

function project(
  name: string,
  from: string,
  to: string,
  specs: StepSpec[],
  notes: string[],
  targetP99Ms?: number,
): PathProjection {
  const steps = specs.map((s) => ({
    ...s,
    kind: FIGURES[s.figure].kind,
    sources: FIGURES[s.figure].sources,
    p50Ms: round(lastOf(FIGURES[s.figure], s.parallel, 0.5) * (s.scale ?? 1)),
    p99Ms: round(lastOf(FIGURES[s.figure], s.parallel, 0.99) * (s.scale ?? 1)),
  }));
  const p50Ms = round(steps.reduce((n, s) => n + s.p50Ms, 0));
  const p99Ms = round(steps.reduce((n, s) => n + s.p99Ms, 0));
  const spread = Math.sqrt(steps.reduce((n, s) => n + (s.p99Ms - s.p50Ms) ** 2, 0));
  return {
    name,
    from,
    to,
    steps,
    sequentialRemoteCalls: steps.filter((s) => REMOTE_CALLS.has(s.figure)).length,
    p50Ms,
    p99Ms,
    p99IfIndependentMs: round(p50Ms + spread),
    ...(targetP99Ms === undefined ? {} : { targetP99Ms, meetsTarget: p99Ms <= targetP99Ms }),
    notes,
  };
}

/**
 * The correlator's critical path up to its publish, common to every path. `coldStarts`: how many
 * of the parallel invocations start a new execution environment first.
 */
const correlatorSteps = (parallelInvocations: number, instancesPerHost: number, coldStarts = 0): StepSpec[] => [
  {
    call: `collector PutEvents -> EventBridge rule -> correlator Lambda${coldStarts > 0 ? '' : ' (warm)'}`,
    figure: 'eventBridgeToLambda',
    parallel: parallelInvocations,
  },
  coldStarts > 0
    ? {
        call: 'Lambda cold start of the environments not yet warm',
        figure: 'lambdaColdStartNode',
        parallel: coldStarts,
        note: `serverless.yml provisions 1 correlator by default: ${coldStarts} of the ${parallelInvocations} start cold`,
      }
    : { call: "Lambda's warm invoke", figure: 'lambdaWarmInvoke', parallel: 1, note: 'included in the step above' },
  {
    call: 'DynamoDB GetItem of the fault record (consistent) || Query of the host inventory partition',
    figure: 'dynamoDbRequest',
    parallel: 2 * parallelInvocations,
  },
  {
    call: 'decide the transition and build the alarms and notifications (CPU)',
    figure: 'correlatorCpu',
    parallel: parallelInvocations,
    // Measured for 20 instances; the work grows with the alarms, one per instance.
    scale: instancesPerHost / 20,
  },
  {
    call: 'DynamoDB conditional UpdateItem of the fault record',
    figure: 'dynamoDbRequest',
    parallel: parallelInvocations,
  },
];

export interface ProjectionOptions {
  instancesPerHost?: number;
}

export function awsProjection(options: ProjectionOptions = {}): AwsProjection {
  const instances = options.instancesPerHost ?? 20;
  const rack = { hosts: 40, instancesPerHost: 50, tenants: 100 };
  // bench.ts's rack: host h's 50 instances belong to 50 distinct tenants, one message per tenant topic.
  const rackCalls = rack.instancesPerHost + 1;
  const rackDeliveries = rack.hosts * rackCalls;
  const single = project(
    'single fault',
    "the collector's PutEvents",
    "the tenant's HTTPS subscriber",
    [
      ...correlatorSteps(1, instances),
      {
        call: "DynamoDB BatchGetItem of the tenants' topic ARNs",
        figure: 'dynamoDbRequest',
        parallel: 1,
        note: "counted as a miss of the container's cache (a tenant this container has not published to yet); a hit costs nothing",
      },
      {
        call: 'SNS PublishBatch to each tenant topic in parallel (|| PutEvents FaultConfirmed) -> SNS delivery',
        figure: 'snsToSubscriber',
        parallel: 1,
        note: "one tenant's notification; each topic's call runs beside the others",
      },
      { call: "SNS HTTPS POST to the tenant's endpoint", figure: 'httpsSubscriberHop', parallel: 1 },
    ],
    [
      'After the notifications: markPublished, the alarm views and markRecorded are written, off the tenant path.',
      'A cold correlator (no provisioned concurrency left) adds a cold start: see the rack burst, cold.',
    ],
    SINGLE_FAULT_TARGET_P99_MS,
  );
  const burstSteps = (cold: boolean): StepSpec[] => [
    ...correlatorSteps(rack.hosts, rack.instancesPerHost, cold ? rack.hosts - 1 : 0),
    {
      call: "DynamoDB BatchGetItem of the host's 50 tenants' topic ARNs",
      figure: 'dynamoDbRequest',
      parallel: rack.hosts,
    },
    {
      call: `SNS PublishBatch, one call per topic (${rackCalls} per host, all at once) -> SNS delivery`,
      figure: 'snsToSubscriber',
      parallel: rackDeliveries,
      note: 'each tenant topic gets one message per host here; a topic with more gets up to 10 per call',
    },
    { call: "SNS HTTPS POST to each tenant's endpoint", figure: 'httpsSubscriberHop', parallel: rackDeliveries },
  ];
  const burstNotes = [
    `${rack.hosts} hosts x ${rack.instancesPerHost} instances over ${rack.tenants} tenants fail at once (40 events in 4 PutEvents calls): ${rack.hosts} correlator invocations in parallel, each publishing ${rackCalls} PublishBatch calls at once: ${rackDeliveries} deliveries. The figure is the LAST notification's, each step taken as the last of its parallel calls.`,
    'Within default quotas: 40 concurrent Lambda invocations, about 2,000 SNS messages (publish quotas are thousands a second per Region), PAY_PER_REQUEST tables on 40 distinct partition keys.',
  ];
  const burst = project(
    'rack burst (correlators warm)',
    'the PutEvents of the 40 host faults',
    "the last of the 2,040 notifications at the tenants' HTTPS endpoints",
    burstSteps(false),
    [...burstNotes, 'Warm: provisioned concurrency of at least 40, or recent traffic that left 40 environments.'],
  );
  const burstCold = project(
    'rack burst (39 correlators cold)',
    'the PutEvents of the 40 host faults',
    "the last of the 2,040 notifications at the tenants' HTTPS endpoints",
    burstSteps(true),
    burstNotes,
  );
  const vim = project(
    'VIM path',
    "the collector's PutEvents",
    `the host forced down (T04) and its ${instances} instances in ERROR (T03) in Nova`,
    [
      ...correlatorSteps(1, instances),
      {
        call: 'PutEvents FaultConfirmed (beside the SNS publish) -> EventBridge rule -> VIM adapter Lambda (warm)',
        figure: 'eventBridgeToLambda',
        parallel: 1,
      },
      {
        call: 'Lambda in a VPC',
        figure: 'lambdaVpc',
        parallel: 1,
        note: 'Hyperplane ENI: nothing per invoke',
      },
      {
        call: "DynamoDB Query of the host's fault actions || GetItem of its maintenance mark (gateway endpoint)",
        figure: 'dynamoDbRequest',
        parallel: 2,
      },
      {
        call: 'Nova force-down, alone (T04), recorded beside it',
        figure: 'novaApiCall',
        parallel: 1,
      },
      {
        call: `then ${instances} reset-state calls at once (up to 64 in flight) (T03)`,
        figure: 'novaApiCall',
        parallel: instances,
        note: 'a nova-api with several workers serves them in parallel; the local one (1 worker) serialises them',
      },
    ],
    [
      "The Keystone token is reused across invocations of a warm container; on expiry one Keystone call comes first. Nova is the operator's, not AWS's: its figure is an assumption.",
      'Tenants are notified on the single-fault path: the VIM path delays no notification.',
    ],
  );
  // What EventBridge -> Lambda's p99 would have to be for the single fault to meet its target.
  const eventBridgeP99 = FIGURES.eventBridgeToLambda.p99Ms;
  return {
    kind: 'model',
    note: 'A MODEL projected from published service latencies, not a measurement: nothing was measured on AWS.',
    composition:
      "p50 = sum of the steps' p50s; p99 = sum of the steps' p99s (every step at its p99 at once: conservative for latencies like these, not a mathematical bound for every distribution). p99IfIndependentMs = the p50s + the root sum of squares of each step's (p99 - p50). A step of N parallel calls ends with the last: each call lognormal through its p50 and p99, the step's quantile q being the call's quantile q^(1/N).",
    figures: Object.entries(FIGURES).map(([id, f]) => ({ id: id as FigureId, ...f })),
    paths: [single, burst, burstCold, vim],
    singleFaultEventBridgeP99NeededMs: round(eventBridgeP99 - (single.p99Ms - SINGLE_FAULT_TARGET_P99_MS)),
  };
}

export function printAwsProjection(projection: AwsProjection): void {
  const out: string[] = [`AWS projection (${projection.note})`, `  ${projection.composition}`];
  for (const path of projection.paths) {
    const target =
      path.targetP99Ms === undefined
        ? ''
        : ` (target p99 ${path.targetP99Ms} ms: ${path.meetsTarget ? 'met' : 'NOT met'})`;
    out.push(
      `  ${path.name}: ${path.from} -> ${path.to}: p50 ${path.p50Ms} ms, p99 ${path.p99Ms} ms${target}, p99 if the steps are independent ${path.p99IfIndependentMs} ms; ${path.sequentialRemoteCalls} remote steps in sequence`,
    );
    for (const s of path.steps)
      out.push(
        `    ${String(s.p50Ms).padStart(7)} / ${String(s.p99Ms).padStart(7)} ms  ${s.call}${s.parallel > 1 ? ` [last of ${s.parallel}]` : ''}${s.note ? ` (${s.note})` : ''}`,
      );
    for (const note of path.notes) out.push(`    - ${note}`);
  }
  out.push(
    `  the single fault would meet ${SINGLE_FAULT_TARGET_P99_MS} ms at p99 with an EventBridge -> Lambda p99 of ${projection.singleFaultEventBridgeP99NeededMs} ms or less (figure used: ${FIGURES.eventBridgeToLambda.p99Ms} ms)`,
    '  figures:',
  );
  for (const f of projection.figures) {
    out.push(`    ${f.id}: p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms (${f.kind}; ${f.basis})`);
    for (const s of f.sources) out.push(`      ${s.title} <${s.url}>: ${s.says}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

if (require.main === module) {
  const projection = awsProjection();
  printAwsProjection(projection);
}
