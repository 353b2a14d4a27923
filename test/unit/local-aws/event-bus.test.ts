import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalEventBus, type BusEvent, type DeliveryPacing } from '../../../infra/local/aws/event-bus';
import { matchesPattern } from '../../../infra/local/aws/event-pattern';
import type { InvocationResult } from '../../../infra/local/aws/lambda-invoker';
import type { FunctionDefinition } from '../../../infra/local/aws/service-definition';

const PACING: DeliveryPacing = {
  functionRetryMs: 10,
  unreachableBaseMs: 10,
  unreachableMaxMs: 50,
  maximumEventAgeMs: 60_000,
};

const fn = (key: string, pattern: Record<string, unknown>, settings: Partial<FunctionDefinition> = {}) => ({
  key,
  name: `nfvi-doctor-test-${key}`,
  timeoutS: 10,
  maximumRetryAttempts: 2,
  rules: [{ name: `nfvi-doctor-test-${key}-rule-1`, pattern }],
  schedulesMs: [],
  ...settings,
});

const CORRELATOR = fn('correlator', { source: ['nfvi.collector'] }, { onFailureQueue: 'FailedInvocationsQueue' });
const FENCER = fn('fencer', {
  source: ['nfvi.correlator'],
  'detail-type': ['FaultConfirmed'],
  detail: { faultKey: ['peers'] },
});

const entry = (source: string, detailType: string, detail: unknown) => ({
  Source: source,
  DetailType: detailType,
  Detail: typeof detail === 'string' ? detail : JSON.stringify(detail),
  EventBusName: 'nfvi-doctor-test',
});

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'nfvi-local-bus-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A bus whose Lambda runtime answers `answer(functionName, attempt)`; records invocations and dead letters. */
async function bus(
  answer: (name: string, attempt: number) => InvocationResult = () => ({ kind: 'ok', payload: '' }),
  journalFile = join(mkdtempSync(join(dir, 'bus-')), 'events.journal'),
) {
  const invoked: { name: string; event: BusEvent }[] = [];
  const failures: { queue: string; record: unknown }[] = [];
  const eventBus = await LocalEventBus.open({
    busName: 'nfvi-doctor-test',
    account: '123456789012',
    region: 'us-east-1',
    functions: [CORRELATOR, FENCER],
    invoke: async (name, event) => {
      invoked.push({ name, event: event as BusEvent });
      return answer(name, invoked.filter((i) => i.name === name).length);
    },
    journalFile,
    onFailure: async (queue, record) => void failures.push({ queue, record }),
    pacing: PACING,
    log: () => undefined,
  });
  const until = async (check: () => boolean, what: string) => {
    const deadline = Date.now() + 3000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { eventBus, invoked, failures, until, journalFile };
}

describe('Local EventBridge: PutEvents', () => {
  it('answers an entry whose Detail is not a JSON object with MalformedDetail, and accepts its neighbours', async () => {
    // Prepare
    const b = await bus();
    const valid = entry('nfvi.collector', 'link.state', { host: 'compute-1' });

    // Act
    const results = await b.eventBus.putEvents([
      entry('nfvi.collector', 'link.state', 'this is {not json'),
      valid,
      entry('nfvi.collector', 'link.state', 'true'),
      entry('nfvi.collector', 'link.state', '12345'),
      entry('nfvi.collector', 'link.state', '[1,2]'),
    ]);
    await b.until(() => b.invoked.length === 1, 'the valid neighbour');

    // Assess
    expect(results.map((r) => ('ErrorCode' in r ? r.ErrorCode : 'ok'))).toEqual([
      'MalformedDetail',
      'ok',
      'MalformedDetail',
      'MalformedDetail',
      'MalformedDetail',
    ]);
    expect(b.invoked.map((i) => i.event.detail)).toEqual([{ host: 'compute-1' }]);
    await b.eventBus.close();
  });

  it('names a missing field with InvalidArgument and refuses more than ten entries at once', async () => {
    // Prepare
    const b = await bus();

    // Act
    const [missing] = await b.eventBus.putEvents([{ Source: 'nfvi.collector', Detail: '{}' }]);
    const tooMany = b.eventBus.putEvents(Array.from({ length: 11 }, () => entry('nfvi.collector', 'x', {})));

    // Assess
    expect(missing).toMatchObject({
      ErrorCode: 'InvalidArgument',
      ErrorMessage: expect.stringContaining('DetailType'),
    });
    await expect(tooMany).rejects.toThrow(/1 to 10 entries/);
    await b.eventBus.close();
  });

  it("invokes each function whose rule matches, with EventBridge's envelope", async () => {
    // Prepare
    const b = await bus();

    // Act
    await b.eventBus.putEvents([
      entry('nfvi.correlator', 'FaultConfirmed', { faultKey: 'peers', host: 'compute-1' }),
      entry('nfvi.correlator', 'FaultConfirmed', { faultKey: 'link:eno1', host: 'compute-1' }),
    ]);
    await b.until(() => b.invoked.length === 1, 'the fencer');
    await new Promise((r) => setTimeout(r, 50));

    // Assess: only the death matches the fencer's rule; nothing matches the correlator's
    expect(b.invoked).toEqual([
      {
        name: FENCER.name,
        event: {
          version: '0',
          id: expect.any(String),
          'detail-type': 'FaultConfirmed',
          source: 'nfvi.correlator',
          account: '123456789012',
          time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
          region: 'us-east-1',
          resources: [],
          detail: { faultKey: 'peers', host: 'compute-1' },
        },
      },
    ]);
    await b.eventBus.close();
  });
});

describe('Local EventBridge: asynchronous invocation', () => {
  it('retries a function that failed, then gives the onFailure queue the invocation record', async () => {
    // Prepare: the correlator throws every time
    const b = await bus(() => ({ kind: 'function-error', message: '{"errorMessage":"boom"}' }));

    // Act
    await b.eventBus.putEvents([entry('nfvi.collector', 'link.state', { host: 'compute-1' })]);
    await b.until(() => b.failures.length === 1, 'the failure record');

    // Assess: the first attempt and two retries, as Lambda does
    expect(b.invoked).toHaveLength(3);
    expect(b.failures[0]).toMatchObject({
      queue: 'FailedInvocationsQueue',
      record: {
        requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
        requestPayload: { source: 'nfvi.collector', detail: { host: 'compute-1' } },
        responsePayload: { errorMessage: 'boom' },
      },
    });
    await b.eventBus.close();
  });

  it('keeps trying while the Lambda runtime cannot be reached, and delivers once it is back', async () => {
    // Prepare: the runtime is down for its first five attempts
    const b = await bus((_name, attempt) =>
      attempt <= 5 ? { kind: 'unreachable', message: 'ECONNREFUSED' } : { kind: 'ok', payload: '' },
    );

    // Act
    await b.eventBus.putEvents([entry('nfvi.collector', 'link.state', { host: 'compute-1' })]);
    await b.until(() => b.invoked.length === 6, 'the delivery');

    // Assess: no failure counted against the function
    expect(b.failures).toEqual([]);
    await b.eventBus.close();
  });

  it('delivers after a restart the events it had accepted and not yet delivered', async () => {
    // Prepare: the runtime is down when the bus stops
    const first = await bus(() => ({ kind: 'unreachable', message: 'ECONNREFUSED' }));
    await first.eventBus.putEvents([entry('nfvi.collector', 'link.state', { host: 'compute-9' })]);
    await first.until(() => first.invoked.length >= 1, 'a first attempt');
    await first.eventBus.close();

    // Act
    const second = await bus(() => ({ kind: 'ok', payload: '' }), first.journalFile);
    await second.until(() => second.invoked.length === 1, 'the delivery after the restart');

    // Assess
    expect(second.invoked[0]?.event.detail).toEqual({ host: 'compute-9' });
    await second.eventBus.close();
  });

  it('does not deliver again after a restart what it had delivered', async () => {
    // Prepare
    const first = await bus();
    await first.eventBus.putEvents([entry('nfvi.collector', 'link.state', { host: 'compute-1' })]);
    await first.until(() => first.invoked.length === 1, 'the delivery');
    await new Promise((r) => setTimeout(r, 50));
    await first.eventBus.close();

    // Act
    const second = await bus(() => ({ kind: 'ok', payload: '' }), first.journalFile);
    await new Promise((r) => setTimeout(r, 100));

    // Assess
    expect(second.invoked).toEqual([]);
    await second.eventBus.close();
  });
});

describe('Local EventBridge: event patterns', () => {
  const event = {
    source: 'nfvi.collector',
    'detail-type': 'link.state',
    detail: { host: 'compute-1', seq: 7, tags: ['a', 'b'] },
  };

  it.each([
    ['a listed value', { source: ['nfvi.collector'] }, true],
    ['another value', { source: ['nfvi.fencing'] }, false],
    ['a nested field', { detail: { host: ['compute-1'] } }, true],
    ['a prefix', { detail: { host: [{ prefix: 'compute-' }] } }, true],
    ['anything but', { source: [{ 'anything-but': ['nfvi.collector', 'nfvi.fencing'] }] }, false],
    ['a numeric range', { detail: { seq: [{ numeric: ['>', 5, '<=', 7] }] } }, true],
    ['an absent field', { detail: { faultKey: [{ exists: false }] } }, true],
    ['a present field', { detail: { faultKey: [{ exists: true }] } }, false],
    ['any element of an array', { detail: { tags: ['b'] } }, true],
    ['a wildcard', { 'detail-type': [{ wildcard: 'link.*' }] }, true],
  ])('matches %s as EventBridge does', (_case, pattern, expected) => {
    expect(matchesPattern(pattern, event)).toBe(expected);
  });
});
