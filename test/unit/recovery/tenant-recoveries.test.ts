import type { RecoveryKey } from '../../../lib/recovery/ports';
import { recoveryView, type Recovery } from '../../../lib/recovery/recovery';
import { recoveriesFor } from '../../../lib/recovery/recovery-decisions';
import { TenantRecoveries } from '../../../lib/recovery/tenant-recoveries';
import { httpView, type HttpView } from '../../support/http-outcome';
import { ADMIN_PROJECT } from '../inspector/builders';
import {
  DEAD_HOST_INSTANCES,
  DEATH_ALARM,
  DEFAULTS,
  FakeClock,
  HOST,
  InMemoryPolicyStore,
  InMemoryRecoveryStore,
  callerOf,
  policiesOf,
  secondsAfterEpoch,
  tenantPolicy,
} from './recovery-builders';

const TENANT_A = callerOf('tenant-a');
const TENANT_B = callerOf('tenant-b');
const ADMIN = callerOf(ADMIN_PROJECT, true);

/**
 * The fault API's recoveries: compute-1's death started a recovery for tenant-a and one for
 * tenant-b at 2 s after the epoch, both with 30 s of grace (until 32 s); the clock reads 10 s.
 */
async function api() {
  const clock = new FakeClock(10);
  const recoveries = new InMemoryRecoveryStore();
  const policies = new InMemoryPolicyStore();
  const answered: RecoveryKey[] = [];
  const planned = recoveriesFor(
    { host: HOST, hostAlarmId: DEATH_ALARM },
    DEAD_HOST_INSTANCES,
    policiesOf(tenantPolicy('tenant-a', 'evacuate'), tenantPolicy('tenant-b', 'restart')),
    DEFAULTS,
    new Date(secondsAfterEpoch(2)),
  );
  for (const recovery of planned) await recoveries.create(recovery);
  const use = httpView(
    new TenantRecoveries({
      recoveries,
      policies,
      answered: async (key) => {
        answered.push(key);
      },
      defaults: DEFAULTS,
      clock: clock.clock,
    }),
  );
  return {
    clock,
    recoveries,
    policies,
    answered,
    api: use,
    a: recoveries.of('tenant-a'),
    b: recoveries.of('tenant-b'),
  };
}

/** The body of a 200; fails the test on any other outcome. */
function bodyOf(outcome: HttpView): unknown {
  if (outcome.status !== 200) throw new Error(`expected 200, got ${JSON.stringify(outcome)}`);
  return outcome.body;
}

const view = (r: Recovery) => recoveryView(r);

describe('Use case: a tenant follows and answers its recoveries', () => {
  describe('reading recoveries', () => {
    it("lists only the caller's own recoveries, without the workflow's bookkeeping", async () => {
      // Prepare
      const { api: recoveries, a } = await api();

      // Act
      const outcome = await recoveries.list(TENANT_A, {});

      // Assess
      expect(bodyOf(outcome)).toEqual([view(a)]);
      expect(bodyOf(outcome)).toEqual([expect.not.objectContaining({ version: expect.anything() })]);
    });

    it('reads its own recovery', async () => {
      // Prepare
      const { api: recoveries, a } = await api();

      // Act
      const outcome = await recoveries.get(TENANT_A, a.recoveryId, {});

      // Assess
      expect(outcome).toEqual({ status: 200, body: view(a) });
    });

    it("answers 404 for another tenant's recovery, as if it did not exist", async () => {
      // Prepare
      const { api: recoveries, b } = await api();

      // Act
      const outcome = await recoveries.get(TENANT_A, b.recoveryId, {});

      // Assess
      expect(outcome).toEqual({ status: 404, message: `no recovery ${b.recoveryId}` });
    });

    it('refuses 403 to a tenant naming another tenant', async () => {
      // Prepare
      const { api: recoveries } = await api();

      // Act
      const outcome = await recoveries.list(TENANT_A, { tenantId: 'tenant-b' });

      // Assess
      expect(outcome).toEqual({
        status: 403,
        message: 'project tenant-a may not read the recoveries of project tenant-b',
      });
    });

    it('lets an administrator read the recoveries of the tenant it names', async () => {
      // Prepare
      const { api: recoveries, b } = await api();

      // Act
      const listed = await recoveries.list(ADMIN, { tenantId: 'tenant-b' });
      const read = await recoveries.get(ADMIN, b.recoveryId, { tenantId: 'tenant-b' });

      // Assess
      expect(bodyOf(listed)).toEqual([view(b)]);
      expect(bodyOf(read)).toEqual(view(b));
    });

    it.each([
      ['a tenant id that is no valid one', { tenantId: 'tenant a' }, /tenantId/],
      ['an unknown parameter', { project: 'tenant-a' }, /project/],
    ])('answers 400 for %s, naming it', async (_case, params, named) => {
      // Prepare
      const { api: recoveries } = await api();

      // Act
      const outcome = await recoveries.list(TENANT_A, params);

      // Assess
      expect(outcome).toEqual({ status: 400, message: expect.stringMatching(named) });
    });
  });

  describe('answering a recovery', () => {
    it('accepts PROCEED during the grace period and wakes the workflow once, with the key', async () => {
      // Prepare
      const w = await api();

      // Act
      const outcome = await w.api.answer(TENANT_A, w.a.recoveryId, { answer: 'PROCEED' }, {});

      // Assess
      expect(bodyOf(outcome)).toMatchObject({
        recoveryId: w.a.recoveryId,
        answer: { answer: 'PROCEED', answeredAt: secondsAfterEpoch(10) },
      });
      expect(w.answered).toEqual([{ tenantId: 'tenant-a', recoveryId: w.a.recoveryId }]);
      expect(w.recoveries.of('tenant-a')).toMatchObject({ version: 1, answer: { answer: 'PROCEED' } });
    });

    it('answers 200 to the same answer again, without waking the workflow again', async () => {
      // Prepare
      const w = await api();
      await w.api.answer(TENANT_A, w.a.recoveryId, { answer: 'PROCEED' }, {});
      const stored = w.recoveries.of('tenant-a');

      // Act
      const outcome = await w.api.answer(TENANT_A, w.a.recoveryId, { answer: 'PROCEED' }, {});

      // Assess
      expect(outcome).toEqual({ status: 200, body: view(stored) });
      expect(w.answered).toHaveLength(1);
      expect(w.recoveries.of('tenant-a')).toEqual(stored);
    });

    it('answers 409 once the grace period is over, and wakes nothing', async () => {
      // Prepare
      const w = await api();
      w.clock.at(40);

      // Act
      const outcome = await w.api.answer(TENANT_A, w.a.recoveryId, { answer: 'DECLINE' }, {});

      // Assess
      expect(outcome).toEqual({ status: 409, message: 'the grace period is over (recovery GRACE)' });
      expect(w.answered).toEqual([]);
      expect(w.recoveries.of('tenant-a').answer).toBeUndefined();
    });

    it.each([
      ['an answer that is not one', { answer: 'LATER' }, /answer/],
      ['no answer', {}, /answer/],
      ['an unknown field', { answer: 'PROCEED', reason: 'switched over' }, /reason/],
      ['no object', 'PROCEED', /object/],
    ])('answers 400 for a body with %s, naming what is wrong', async (_case, body, named) => {
      // Prepare
      const w = await api();

      // Act
      const outcome = await w.api.answer(TENANT_A, w.a.recoveryId, body, {});

      // Assess
      expect(outcome).toEqual({ status: 400, message: expect.stringMatching(named) });
      expect(w.answered).toEqual([]);
    });

    it("answers 404 to an answer to another tenant's recovery, and changes nothing", async () => {
      // Prepare
      const w = await api();

      // Act
      const outcome = await w.api.answer(TENANT_A, w.b.recoveryId, { answer: 'DECLINE' }, {});

      // Assess
      expect(outcome).toEqual({ status: 404, message: `no recovery ${w.b.recoveryId}` });
      expect(w.recoveries.of('tenant-b').answer).toBeUndefined();
      expect(w.answered).toEqual([]);
    });

    it("refuses 403 to a tenant answering in another tenant's name", async () => {
      // Prepare
      const w = await api();

      // Act
      const outcome = await w.api.answer(TENANT_A, w.b.recoveryId, { answer: 'DECLINE' }, { tenantId: 'tenant-b' });

      // Assess
      expect(outcome).toMatchObject({ status: 403 });
      expect(w.recoveries.of('tenant-b').answer).toBeUndefined();
    });

    it('answers again on the recovery as changed by a concurrent writer, and wakes the workflow once', async () => {
      // Prepare: the workflow saves the recovery between the answer's read and its write
      const w = await api();
      w.recoveries.beforeNextSave = () => w.recoveries.save({ ...w.a, version: 1 }, 0);

      // Act
      const outcome = await w.api.answer(TENANT_A, w.a.recoveryId, { answer: 'PROCEED' }, {});

      // Assess
      expect(outcome).toMatchObject({ status: 200 });
      expect(w.recoveries.of('tenant-a')).toMatchObject({ version: 2, answer: { answer: 'PROCEED' } });
      expect(w.answered).toHaveLength(1);
    });
  });

  describe("a tenant's recovery policy", () => {
    it("reads the stage's default for a tenant that set none", async () => {
      // Prepare
      const { api: recoveries } = await api();

      // Act
      const outcome = await recoveries.getPolicy(TENANT_A, {});

      // Assess
      expect(outcome).toEqual({
        status: 200,
        body: { tenantId: 'tenant-a', policy: 'notify-only', graceS: 30, source: 'default' },
      });
    });

    it("sets the policy, and reads it back as the tenant's", async () => {
      // Prepare
      const { api: recoveries } = await api();

      // Act
      const set = await recoveries.putPolicy(TENANT_A, { policy: 'evacuate', graceS: 60 }, {});
      const read = await recoveries.getPolicy(TENANT_A, {});

      // Assess
      const policy = {
        tenantId: 'tenant-a',
        policy: 'evacuate',
        graceS: 60,
        updatedAt: secondsAfterEpoch(10),
        source: 'tenant',
      };
      expect(set).toEqual({ status: 200, body: policy });
      expect(read).toEqual({ status: 200, body: policy });
    });

    it("gives a policy set without a grace period the stage's", async () => {
      // Prepare
      const { api: recoveries } = await api();

      // Act
      const outcome = await recoveries.putPolicy(TENANT_A, { policy: 'restart' }, {});

      // Assess
      expect(bodyOf(outcome)).toMatchObject({ policy: 'restart', graceS: DEFAULTS.graceS });
    });

    it.each([
      [
        'a grace period above the maximum',
        { policy: 'evacuate', graceS: 301 },
        /graceS 301 is above .* maximum of 300 s/,
      ],
      ['an unknown policy', { policy: 'migrate' }, /policy/],
      ['a negative grace period', { policy: 'evacuate', graceS: -1 }, /graceS/],
      ['a grace period that is no whole number', { policy: 'evacuate', graceS: 1.5 }, /graceS/],
      ['an unknown field', { policy: 'evacuate', priority: 1 }, /priority/],
    ])('answers 400 for %s, and keeps the policy as it was', async (_case, body, named) => {
      // Prepare
      const w = await api();

      // Act
      const outcome = await w.api.putPolicy(TENANT_A, body, {});

      // Assess
      expect(outcome).toEqual({ status: 400, message: expect.stringMatching(named) });
      expect(w.policies.items.size).toBe(0);
    });

    it("refuses 403 to a tenant setting another tenant's policy", async () => {
      // Prepare
      const w = await api();

      // Act
      const outcome = await w.api.putPolicy(TENANT_B, { policy: 'evacuate' }, { tenantId: 'tenant-a' });

      // Assess
      expect(outcome).toEqual({
        status: 403,
        message: 'project tenant-b may not set the recovery policy of project tenant-a',
      });
      expect(w.policies.items.size).toBe(0);
    });

    it('lets an administrator set the policy of the tenant it names', async () => {
      // Prepare
      const w = await api();

      // Act
      const outcome = await w.api.putPolicy(ADMIN, { policy: 'evacuate' }, { tenantId: 'tenant-a' });

      // Assess
      expect(bodyOf(outcome)).toMatchObject({ tenantId: 'tenant-a', policy: 'evacuate' });
      expect(w.policies.items.get('tenant-a')?.policy).toBe('evacuate');
    });
  });
});
