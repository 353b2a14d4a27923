import type { Recovery } from '../../../lib/recovery/recovery';
import {
  answerRecovery,
  recoveriesFor,
  stepRecovery,
  withFailures,
  type DeadHostInstance,
  type RecoveryFacts,
  type RecoveryStep,
  type ServerNow,
} from '../../../lib/recovery/recovery-decisions';
import {
  graceOf,
  instancePolicy,
  type RecoveryPolicyName,
  type TenantPolicy,
} from '../../../lib/recovery/recovery-policy';
import {
  DEAD_HOST_INSTANCES,
  DEATH_ALARM,
  DEFAULTS,
  HOST,
  OTHER_HOST,
  PACE,
  deadHostInstance,
  policiesOf,
  secondsAfterEpoch,
  tenantPolicy,
} from './recovery-builders';

/*
 * compute-1 died; its recoveries start 2 s after the epoch. tenant-a has 30 s of grace: until 32 s.
 * Nova is looked at every second (pollS), an open recovery every 60 s (sweepS); an action may take
 * 120 s (actionTimeoutS), 3 attempts at most.
 */
const DEATH = { host: HOST, hostAlarmId: DEATH_ALARM };
const at = (seconds: number) => new Date(secondsAfterEpoch(seconds));
const GRACE_UNTIL = secondsAfterEpoch(32);
const METADATA_KEY = 'nfvi-doctor:recovery';

const plan = (instances: DeadHostInstance[], ...policies: TenantPolicy[]) =>
  recoveriesFor(DEATH, instances, policiesOf(...policies), DEFAULTS, at(2));

/** tenant-a's recovery of vm-a1 and vm-a2 under `policy`, in its grace period. */
function recoveryOf(policy: RecoveryPolicyName = 'evacuate'): Recovery {
  const [recovery] = plan(DEAD_HOST_INSTANCES.slice(0, 2), tenantPolicy('tenant-a', policy, 30));
  if (!recovery) throw new Error('no recovery planned');
  return recovery;
}

/** One look at the recovery `seconds` after the epoch, with what is known of the host then. */
const look = (r: Recovery, seconds: number, facts: Partial<Omit<RecoveryFacts, 'now'>> = {}): RecoveryStep =>
  stepRecovery(r, { now: at(seconds), fencedAt: undefined, hostBackAt: undefined, ...facts }, PACE);

const FENCED_AT = secondsAfterEpoch(20);
const BACK_AT = secondsAfterEpoch(25);
const servers = (entries: Record<string, ServerNow>) => new Map(Object.entries(entries));
const active = (host: string): ServerNow => ({ status: 'ACTIVE', host });
const inError = (host: string): ServerNow => ({ status: 'ERROR', host });

/** tenant-a's evacuation, its host fenced at 20 s, started when its grace ended at 32 s. */
const evacuating = () => look(recoveryOf('evacuate'), 32, { fencedAt: FENCED_AT }).recovery;
/** Looks at the evacuation with Nova showing each instance as `shown`. */
const judgedEach = (r: Recovery, seconds: number, shown: Record<string, ServerNow>) =>
  look(r, seconds, { fencedAt: FENCED_AT, servers: servers(shown) });
/** Looks at the evacuation with Nova showing both instances as `server`. */
const judged = (r: Recovery, seconds: number, server: ServerNow) =>
  judgedEach(r, seconds, { 'vm-a1': server, 'vm-a2': server });

const statesOf = (r: Recovery) => r.instances.map((i) => i.state);

/** The recovery as the tenant's answer at 10 s leaves it; fails the test if the answer is refused. */
function answered(r: Recovery, answer: 'PROCEED' | 'DECLINE'): Recovery {
  const outcome = answerRecovery(r, answer, at(10));
  if (outcome.outcome !== 'answered') throw new Error(`expected an answer, got ${outcome.outcome}`);
  return outcome.recovery;
}

/** Nova's answer to an action on both instances: refused (a 4xx), or not now (transient). */
const refusedAll = (message = 'refused', transient = false) =>
  ['vm-a1', 'vm-a2'].map((instanceId) => ({ instanceId, message, transient }));

describe('Decision: the recoveries a host death calls for', () => {
  it('starts one recovery per tenant whose policy recovers, each with its own instances only', () => {
    // Prepare
    const policies = [tenantPolicy('tenant-a', 'evacuate'), tenantPolicy('tenant-b', 'restart')];

    // Act
    const recoveries = plan(DEAD_HOST_INSTANCES, ...policies);

    // Assess
    expect(recoveries.map((r) => [r.tenantId, r.instances.map((i) => [i.instanceId, i.policy])])).toEqual([
      [
        'tenant-a',
        [
          ['vm-a1', 'evacuate'],
          ['vm-a2', 'evacuate'],
        ],
      ],
      ['tenant-b', [['vm-b1', 'restart']]],
    ]);
    expect(recoveries[0]).toMatchObject({ host: HOST, hostAlarmId: DEATH_ALARM, state: 'GRACE', version: 0 });
    expect(recoveries[0]?.instances[0]).toEqual({
      instanceId: 'vm-a1',
      name: 'vm-a1-name',
      policy: 'evacuate',
      policySource: 'tenant',
      state: 'WAITING',
      attempts: 0,
      host: HOST,
    });
  });

  it('starts none for a notify-only tenant, nor for a tenant without a policy under the notify-only default', () => {
    // Prepare
    const policies = [tenantPolicy('tenant-a', 'evacuate'), tenantPolicy('tenant-b', 'notify-only')];

    // Act
    const recoveries = plan(DEAD_HOST_INSTANCES, ...policies);

    // Assess
    expect(recoveries.map((r) => r.tenantId)).toEqual(['tenant-a']);
  });

  it('lets the metadata of an instance override its tenant policy, either way', () => {
    // Prepare
    const instances = [
      deadHostInstance('vm-a1', 'tenant-a', { [METADATA_KEY]: 'notify-only' }),
      deadHostInstance('vm-a2', 'tenant-a', { [METADATA_KEY]: 'restart' }),
      deadHostInstance('vm-b1', 'tenant-b', { [METADATA_KEY]: 'evacuate' }),
    ];

    // Act
    const recoveries = plan(instances, tenantPolicy('tenant-a', 'evacuate'), tenantPolicy('tenant-b', 'notify-only'));

    // Assess
    expect(
      recoveries.map((r) => [r.tenantId, r.instances.map((i) => [i.instanceId, i.policy, i.policySource])]),
    ).toEqual([
      ['tenant-a', [['vm-a2', 'restart', 'instance']]],
      ['tenant-b', [['vm-b1', 'evacuate', 'instance']]],
    ]);
  });

  it('falls back to the tenant policy for an invalid metadata value, and says why in a note', () => {
    // Prepare
    const instances = [deadHostInstance('vm-a1', 'tenant-a', { [METADATA_KEY]: 'reboot' })];

    // Act
    const [recovery] = plan(instances, tenantPolicy('tenant-a', 'evacuate'));

    // Assess
    expect(recovery?.instances[0]).toMatchObject({
      policy: 'evacuate',
      policySource: 'tenant',
      note: 'metadata nfvi-doctor:recovery="reboot" is not one of notify-only, evacuate, restart: tenant policy applied',
    });
  });

  it('gives the tenant its grace period from now, capped at the maximum, and looks again when it ends', () => {
    // Prepare
    const policies = [tenantPolicy('tenant-a', 'evacuate', 45), tenantPolicy('tenant-b', 'evacuate', 3600)];

    // Act
    const [a, b] = plan(DEAD_HOST_INSTANCES, ...policies);

    // Assess
    expect(a).toMatchObject({ createdAt: secondsAfterEpoch(2), graceUntil: secondsAfterEpoch(47) });
    expect(a?.wakeAt).toBe(a?.graceUntil);
    expect(b?.graceUntil).toBe(secondsAfterEpoch(2 + DEFAULTS.maxGraceS));
    expect(a?.history).toEqual([
      { at: secondsAfterEpoch(2), state: 'GRACE', note: `the VIM recovers nothing before ${secondsAfterEpoch(47)}` },
    ]);
  });

  it('derives the same recovery id from the same death and tenant, whenever it is planned', () => {
    // Prepare
    const policies = policiesOf(tenantPolicy('tenant-a', 'evacuate'), tenantPolicy('tenant-b', 'evacuate'));
    const planAt = (death: typeof DEATH, seconds: number) =>
      recoveriesFor(death, DEAD_HOST_INSTANCES, policies, DEFAULTS, at(seconds)).map((r) => r.recoveryId);

    // Act
    const [first, again, otherDeath] = [planAt(DEATH, 2), planAt(DEATH, 9), planAt({ ...DEATH, hostAlarmId: 'x' }, 2)];

    // Assess
    expect(again).toEqual(first);
    expect(new Set(first).size).toBe(2);
    expect(otherDeath.some((id) => first.includes(id))).toBe(false);
  });
});

describe("Decision: an instance's policy and a tenant's grace period", () => {
  const tenant = tenantPolicy('tenant-a', 'restart', 60);

  it.each<[string, Record<string, string>, TenantPolicy | undefined, object]>([
    [
      'the policy in its own metadata first',
      { [METADATA_KEY]: 'evacuate' },
      tenant,
      { policy: 'evacuate', source: 'instance' },
    ],
    ["its tenant's policy without metadata", {}, tenant, { policy: 'restart', source: 'tenant' }],
    ["the stage's default without either", {}, undefined, { policy: 'notify-only', source: 'default' }],
    [
      "the stage's default, with a note, for an invalid value of a tenant without a policy",
      { [METADATA_KEY]: '' },
      undefined,
      { policy: 'notify-only', source: 'default', note: expect.stringMatching(/: default policy applied$/) },
    ],
  ])('takes %s', (_case, metadata, tenantPolicyOrNone, expected) => {
    expect(instancePolicy(metadata, tenantPolicyOrNone, DEFAULTS)).toEqual(expected);
  });

  it.each<[string, TenantPolicy | undefined, number]>([
    ["the tenant's own grace period", tenantPolicy('tenant-a', 'evacuate', 60), 60],
    ["the stage's grace period to a tenant without a policy", undefined, DEFAULTS.graceS],
    ['no more than the maximum grace period', tenantPolicy('tenant-a', 'evacuate', 301), DEFAULTS.maxGraceS],
  ])('grants %s', (_case, tenantPolicyOrNone, seconds) => {
    expect(graceOf(tenantPolicyOrNone, DEFAULTS)).toBe(seconds);
  });
});

describe('Decision: the next step of a recovery', () => {
  describe('the grace period', () => {
    it('does nothing before the grace period ends, even once the host is fenced', () => {
      // Prepare
      const r = recoveryOf('evacuate');

      // Act
      const step = look(r, 31, { fencedAt: FENCED_AT });

      // Assess
      expect(step.effects).toEqual([]);
      expect(step.changed).toBe(false);
      expect(step.recovery).toMatchObject({ state: 'GRACE', wakeAt: GRACE_UNTIL });
      expect(statesOf(step.recovery)).toEqual(['WAITING', 'WAITING']);
    });

    it('ends the grace period at once when the tenant answers PROCEED', () => {
      // Prepare
      const r = answered(recoveryOf('evacuate'), 'PROCEED');

      // Act
      const step = look(r, 10, { fencedAt: secondsAfterEpoch(5) });

      // Assess
      expect(r).toMatchObject({
        answer: { answer: 'PROCEED', answeredAt: secondsAfterEpoch(10) },
        wakeAt: secondsAfterEpoch(10),
      });
      expect(step.recovery.state).toBe('RECOVERING');
      expect(step.effects).toEqual([{ kind: 'evacuate', instanceIds: ['vm-a1', 'vm-a2'] }]);
    });

    it('leaves every instance to the tenant when it answers DECLINE, and ends the recovery', () => {
      // Prepare
      const r = answered(recoveryOf('evacuate'), 'DECLINE');

      // Act
      const step = look(r, 10, { fencedAt: secondsAfterEpoch(5) });

      // Assess
      expect(step.effects).toEqual([]);
      expect(step.changed).toBe(true);
      expect(step.recovery.state).toBe('DECLINED');
      expect(step.recovery.wakeAt).toBeUndefined();
      expect(step.recovery.instances.map((i) => [i.state, i.note])).toEqual([
        ['LEFT_TO_TENANT', 'the tenant declined recovery by the VIM'],
        ['LEFT_TO_TENANT', 'the tenant declined recovery by the VIM'],
      ]);
    });
  });

  describe("the tenant's answer", () => {
    it.each([
      ['once the grace period is over', 40],
      ['at the very end of the grace period', 32],
    ])('is a conflict %s', (_case, seconds) => {
      // Act
      const outcome = answerRecovery(recoveryOf(), 'PROCEED', at(seconds));

      // Assess
      expect(outcome).toEqual({ outcome: 'conflict', reason: 'the grace period is over (recovery GRACE)' });
    });

    it('is a duplicate when the same answer comes again, and a conflict when another one does', () => {
      // Prepare
      const first = answered(recoveryOf(), 'PROCEED');

      // Act
      const same = answerRecovery(first, 'PROCEED', at(11));
      const other = answerRecovery(first, 'DECLINE', at(11));

      // Assess
      expect(same).toEqual({ outcome: 'duplicate' });
      expect(other).toEqual({ outcome: 'conflict', reason: 'already answered PROCEED' });
    });
  });

  describe('what each policy waits for', () => {
    it('makes an evacuation wait for the fencing once the grace period is over, and looks again a sweep later', () => {
      // Act
      const step = look(recoveryOf('evacuate'), 32);

      // Assess
      expect(step.effects).toEqual([]);
      expect(step.changed).toBe(true);
      expect(step.recovery).toMatchObject({ state: 'WAITING_FOR_FENCING', wakeAt: secondsAfterEpoch(92) });
      expect(step.recovery.history.at(-1)).toEqual({
        at: secondsAfterEpoch(32),
        state: 'WAITING_FOR_FENCING',
        note: 'grace period over; evacuation waits until host compute-1 is fenced',
      });
    });

    it('starts the evacuation once the host is fenced, and looks at Nova at the next poll', () => {
      // Prepare
      const waiting = look(recoveryOf('evacuate'), 32).recovery;

      // Act
      const step = look(waiting, 50, { fencedAt: secondsAfterEpoch(45) });

      // Assess
      expect(step.effects).toEqual([{ kind: 'evacuate', instanceIds: ['vm-a1', 'vm-a2'] }]);
      expect(step.recovery).toMatchObject({
        state: 'RECOVERING',
        fencedAt: secondsAfterEpoch(45),
        wakeAt: secondsAfterEpoch(51),
      });
      expect(step.recovery.instances.map((i) => [i.state, i.attempts, i.startedAt])).toEqual([
        ['RECOVERING', 1, secondsAfterEpoch(50)],
        ['RECOVERING', 1, secondsAfterEpoch(50)],
      ]);
    });

    it('makes a restart wait for the host to come back, then starts it', () => {
      // Prepare
      const waiting = look(recoveryOf('restart'), 32, { fencedAt: FENCED_AT });

      // Act
      const step = look(waiting.recovery, 60, { fencedAt: FENCED_AT, hostBackAt: secondsAfterEpoch(55) });

      // Assess
      expect(waiting.recovery.state).toBe('WAITING_FOR_HOST');
      expect(waiting.effects).toEqual([]);
      expect(step.recovery.state).toBe('RECOVERING');
      expect(step.effects).toEqual([{ kind: 'restart', instanceIds: ['vm-a1', 'vm-a2'] }]);
    });

    it('leaves an instance to evacuate to the tenant when its host came back before it was fenced', () => {
      // Act
      const step = look(recoveryOf('evacuate'), 32, { hostBackAt: BACK_AT });

      // Assess
      expect(step.effects).toEqual([]);
      expect(step.recovery.instances.map((i) => [i.state, i.note])).toEqual([
        ['LEFT_TO_TENANT', 'the host came back before it was fenced'],
        ['LEFT_TO_TENANT', 'the host came back before it was fenced'],
      ]);
      expect(step.recovery.state).toBe('DONE');
    });
  });

  describe('judging an instance being recovered on what Nova shows', () => {
    it('judges an evacuated instance recovered only once it is ACTIVE on another host', () => {
      // Prepare
      const r = evacuating();

      // Act
      const stillHere = judged(r, 40, active(HOST));
      const moved = judged(r, 40, active(OTHER_HOST));

      // Assess
      expect(statesOf(stillHere.recovery)).toEqual(['RECOVERING', 'RECOVERING']);
      expect(moved.recovery.instances.map((i) => [i.state, i.host, i.doneAt])).toEqual([
        ['RECOVERED', OTHER_HOST, secondsAfterEpoch(40)],
        ['RECOVERED', OTHER_HOST, secondsAfterEpoch(40)],
      ]);
      expect(moved.recovery.state).toBe('DONE');
      expect(moved.recovery.wakeAt).toBeUndefined();
      expect(moved.recovery.history.at(-1)?.note).toBe('2 recovered, 0 left to the tenant');
    });

    it('judges a restarted instance recovered once it is ACTIVE', () => {
      // Prepare
      const r = look(recoveryOf('restart'), 32, { hostBackAt: BACK_AT }).recovery;

      // Act
      const step = look(r, 40, {
        hostBackAt: BACK_AT,
        servers: servers({ 'vm-a1': active(HOST), 'vm-a2': active(HOST) }),
      });

      // Assess
      expect(statesOf(step.recovery)).toEqual(['RECOVERED', 'RECOVERED']);
      expect(step.recovery.state).toBe('DONE');
    });

    it('fails an instance in ERROR on its new host, but not one still in ERROR on the dead host', () => {
      // Prepare
      const r = evacuating();

      // Act
      const step = judgedEach(r, 40, { 'vm-a1': inError(OTHER_HOST), 'vm-a2': inError(HOST) });

      // Assess
      expect(step.recovery.instances.map((i) => [i.state, i.note])).toEqual([
        ['FAILED', 'ERROR on host compute-2 after evacuate'],
        ['RECOVERING', undefined],
      ]);
      expect(step.recovery.state).toBe('RECOVERING');
    });

    it('leaves a deleted instance to its tenant', () => {
      // Prepare
      const r = evacuating();

      // Act
      const step = judgedEach(r, 40, { 'vm-a1': null, 'vm-a2': active(OTHER_HOST) });

      // Assess
      expect(step.recovery.instances.map((i) => [i.state, i.note])).toEqual([
        ['LEFT_TO_TENANT', 'the instance was deleted'],
        ['RECOVERED', undefined],
      ]);
      expect(step.recovery.state).toBe('DONE');
    });

    it('changes nothing for an instance Nova was not asked about', () => {
      // Prepare
      const r = evacuating();

      // Act
      const step = look(r, 500, { fencedAt: FENCED_AT, servers: new Map() });

      // Assess
      expect(step.effects).toEqual([]);
      expect(step.recovery.instances).toEqual(r.instances);
    });

    it('gives an action its timeout before it is tried again', () => {
      // Prepare: started at 32 s
      const r = evacuating();

      // Act
      const step = judged(r, 32 + PACE.actionTimeoutS - 1, inError(HOST));

      // Assess
      expect(step.effects).toEqual([]);
      expect(step.recovery.instances.map((i) => i.attempts)).toEqual([1, 1]);
    });

    it('tries an action not done within its timeout again, until the last attempt, then fails the instance', () => {
      // Prepare: attempts at 32 s, 152 s and 272 s
      const first = evacuating();
      const second = judged(first, 152, inError(HOST));
      const third = judged(second.recovery, 272, inError(HOST));

      // Act
      const last = judged(third.recovery, 392, inError(HOST));

      // Assess
      expect([second.effects, third.effects]).toEqual([
        [{ kind: 'evacuate', instanceIds: ['vm-a1', 'vm-a2'] }],
        [{ kind: 'evacuate', instanceIds: ['vm-a1', 'vm-a2'] }],
      ]);
      expect(third.recovery.instances[0]).toMatchObject({
        state: 'RECOVERING',
        attempts: 3,
        startedAt: secondsAfterEpoch(272),
        note: 'ERROR on host compute-1 120 s after evacuate attempt 2: tried again',
      });
      expect(last.effects).toEqual([]);
      expect(last.recovery.instances[0]).toMatchObject({
        state: 'FAILED',
        attempts: 3,
        note: 'ERROR on host compute-1 120 s after evacuate attempt 3',
      });
      expect(last.recovery.state).toBe('FAILED');
      expect(last.recovery.wakeAt).toBeUndefined();
    });
  });

  describe('an attempt Nova recorded as failed', () => {
    const failedAt = (seconds: number, host = HOST): ServerNow => ({
      status: 'ERROR',
      host,
      fault: { message: 'Instance instance-00000438 already exists.', at: secondsAfterEpoch(seconds) },
    });

    it('tries again at once, naming the failure, without waiting out the timeout', () => {
      // Prepare: evacuation started at 32 s
      const r = evacuating();

      // Act: Nova recorded the rebuild's failure at 33 s
      const step = judged(r, 35, failedAt(33));

      // Assess
      expect(step.effects).toEqual([{ kind: 'evacuate', instanceIds: ['vm-a1', 'vm-a2'] }]);
      expect(step.recovery.instances[0]).toMatchObject({
        state: 'RECOVERING',
        attempts: 2,
        startedAt: secondsAfterEpoch(35),
        note: 'evacuate attempt 1 failed: Instance instance-00000438 already exists.: tried again',
      });
    });

    it('fails the instance with the failure once the last attempt failed', () => {
      const second = judged(evacuating(), 35, failedAt(33)).recovery;
      const third = judged(second, 40, failedAt(38)).recovery;

      const last = judged(third, 45, failedAt(43));

      expect(last.effects).toEqual([]);
      expect(last.recovery.instances[0]).toMatchObject({
        state: 'FAILED',
        attempts: 3,
        note: 'evacuate attempt 3 failed: Instance instance-00000438 already exists.',
      });
    });

    it('takes no failure recorded before the attempt for this attempt', () => {
      // The instance's fault from the host's death, before the evacuation started at 32 s
      const step = judged(evacuating(), 40, failedAt(10));

      expect(step.effects).toEqual([]);
      expect(statesOf(step.recovery)).toEqual(['RECOVERING', 'RECOVERING']);
    });
  });

  describe('the actions Nova did not accept', () => {
    it('puts an instance whose action Nova could not take now back to WAITING, and looks again at the next poll', () => {
      // Prepare
      const r = evacuating();

      // Act
      const next = withFailures(
        r,
        [{ instanceId: 'vm-a1', message: 'Compute service of compute-1 is still in use.', transient: true }],
        at(33),
        PACE,
      );

      // Assess
      expect(next.instances[0]).toMatchObject({
        state: 'WAITING',
        note: 'evacuate not accepted yet: Compute service of compute-1 is still in use.',
      });
      expect(next.instances[1]?.state).toBe('RECOVERING');
      expect(next.wakeAt).toBe(secondsAfterEpoch(34));
    });

    it.each<[RecoveryPolicyName, Partial<RecoveryFacts>]>([
      ['evacuate', { fencedAt: FENCED_AT }],
      ['restart', { hostBackAt: BACK_AT }],
    ])(
      'keeps a recovery by %s RECOVERING while Nova cannot take its action yet: its host is ready, it waits for none',
      (policy, ready) => {
        // Prepare
        const r = look(recoveryOf(policy), 32, ready).recovery;

        // Act
        const next = withFailures(r, refusedAll('busy', true), at(33), PACE);

        // Assess
        expect(statesOf(next)).toEqual(['WAITING', 'WAITING']);
        expect(next.state).toBe('RECOVERING');
        expect(next.history.map((h) => h.note).join('\n')).not.toMatch(/waits until host compute-1 is/);
      },
    );

    it('starts an instance put back to WAITING again at the next look, counting the attempt', () => {
      // Prepare
      const r = withFailures(evacuating(), [{ instanceId: 'vm-a1', message: 'busy', transient: true }], at(33), PACE);

      // Act
      const step = look(r, 34, { fencedAt: FENCED_AT });

      // Assess
      expect(step.effects).toEqual([{ kind: 'evacuate', instanceIds: ['vm-a1'] }]);
      expect(step.recovery.instances[0]).toMatchObject({ state: 'RECOVERING', attempts: 2 });
    });

    it('fails an instance whose action Nova refused, and the recovery once nothing else is open', () => {
      // Prepare
      const r = evacuating();
      const refusals = refusedAll('Cannot evacuate an instance in task state rebuilding');

      // Act
      const next = withFailures(r, refusals, at(33), PACE);

      // Assess
      expect(next.instances.map((i) => [i.state, i.note, i.doneAt])).toEqual(
        Array(2).fill([
          'FAILED',
          'evacuate refused: Cannot evacuate an instance in task state rebuilding',
          secondsAfterEpoch(33),
        ]),
      );
      expect(next.state).toBe('FAILED');
      expect(next.wakeAt).toBeUndefined();
    });
  });

  describe('a recovery that ended', () => {
    it.each([
      ['DONE', () => judged(evacuating(), 40, active(OTHER_HOST)).recovery],
      ['DECLINED', () => look(answered(recoveryOf(), 'DECLINE'), 10).recovery],
      ['FAILED', () => withFailures(evacuating(), refusedAll(), at(33), PACE)],
    ])('changes nothing once %s, whatever is known', (state, ended) => {
      // Prepare
      const r = ended();

      // Act
      const step = look(r, 1000, { fencedAt: FENCED_AT, hostBackAt: BACK_AT, servers: servers({ 'vm-a1': null }) });

      // Assess
      expect(r.state).toBe(state);
      expect(step).toEqual({ recovery: r, effects: [], changed: false });
      expect(step.recovery.wakeAt).toBeUndefined();
    });
  });
});
