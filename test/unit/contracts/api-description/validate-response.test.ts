import { openApiDocument } from '../../../../lib/contracts/api-description/openapi';
import type { Alarm } from '../../../../lib/contracts/etsi-alarm';
import { recoveriesFor } from '../../../../lib/recovery/recovery-decisions';
import { TenantRecoveries } from '../../../../lib/recovery/tenant-recoveries';
import { httpView } from '../../../support/http-outcome';
import { ResponseValidator, validateResponse } from '../../../support/validate-response';
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
} from '../../recovery/recovery-builders';

const ALARM: Alarm = {
  id: '495ca4ab-0000-4000-8000-000000000001',
  managedObjectId: '5d0c9e21-0000-4000-8000-000000000002',
  tenantId: 'tenant-a',
  rootCauseFaultyResource: {
    faultyResource: { vimConnectionId: 'openstack', resourceId: 'compute-1' },
    faultyResourceType: 'COMPUTE',
  },
  alarmRaisedTime: '2026-11-25T00:25:07.834Z',
  ackState: 'UNACKNOWLEDGED',
  perceivedSeverity: 'CRITICAL',
  eventTime: '2026-11-25T00:25:07.514Z',
  eventType: 'COMMUNICATIONS_ALARM',
  faultType: 'compute.host.down',
  probableCause: 'Compute host unreachable (management network lost)',
  isRootCause: false,
  correlatedAlarmIds: ['ce96910f-0000-4000-8000-000000000003'],
  faultDetails: ['instance spgw-active on host compute-1'],
};

describe("validateResponse: a real answer checked against the operation's OpenAPI description", () => {
  it('accepts a body the description allows, found by a concrete path', () => {
    expect(validateResponse('GET', '/v1/alarms', 200, [ALARM])).toEqual({ valid: true });
    expect(validateResponse('get', `/v1/alarms/${ALARM.id}`, 200, ALARM)).toEqual({ valid: true });
  });

  it('names each field a body gets wrong', () => {
    const { perceivedSeverity: _, ...withoutSeverity } = ALARM;
    const result = validateResponse('GET', `/v1/alarms/${ALARM.id}`, 200, { ...withoutSeverity, isRootCause: 'no' });
    expect(result).toEqual({
      valid: false,
      problems: expect.arrayContaining([
        `GET /v1/alarms/${ALARM.id} 200: body must have required property 'perceivedSeverity'`,
        `GET /v1/alarms/${ALARM.id} 200: body/isRootCause must be boolean`,
      ]),
    });
  });

  it('takes the route template, a full URL with a query, and a body still in its JSON text', () => {
    expect(validateResponse('PATCH', '/v1/alarms/{alarmId}', 200, { ackState: 'ACKNOWLEDGED' })).toEqual({
      valid: true,
    });
    expect(validateResponse('GET', 'http://127.0.0.1:3000/v1/alarms?state=all', 200, JSON.stringify([ALARM]))).toEqual({
      valid: true,
    });
    expect(validateResponse('GET', '/v1/alarms', 200, '[{')).toEqual({
      valid: false,
      problems: ['GET /v1/alarms 200: the body is not JSON'],
    });
  });

  it("checks an error against the house's error body and a SOL 003 error against ProblemDetails", () => {
    expect(validateResponse('GET', '/v1/alarms/x', 404, { message: 'no alarm x' })).toEqual({ valid: true });
    expect(validateResponse('GET', '/v1/alarms/x', 404, { detail: 'no alarm x' }).valid).toBe(false);
    expect(
      validateResponse(
        'GET',
        '/vnffm/v1/alarms/x',
        404,
        { status: 404, detail: 'no alarm x' },
        {
          contentType: 'application/problem+json',
          headers: { Version: '1.3.0' },
        },
      ),
    ).toEqual({ valid: true });
  });

  it('refuses a status, a route or a content type the description does not have', () => {
    expect(validateResponse('GET', '/v1/alarms', 418, []).valid).toBe(false);
    expect(validateResponse('GET', '/v1/nothing', 200, [])).toEqual({
      valid: false,
      problems: ['GET /v1/nothing 200: no route of the description matches /v1/nothing'],
    });
    expect(validateResponse('PUT', '/v1/alarms', 200, []).valid).toBe(false);
    expect(validateResponse('GET', '/v1/alarms', 200, [], { contentType: 'text/html' }).valid).toBe(false);
  });

  it('wants no body where none is described, and the headers the description requires', () => {
    expect(validateResponse('DELETE', '/v1/subscriptions/s-1', 204, '')).toEqual({ valid: true });
    expect(validateResponse('DELETE', '/v1/subscriptions/s-1', 204, '{}').valid).toBe(false);
    expect(validateResponse('DELETE', '/vnffm/v1/subscriptions/s-1', 204, '', { headers: {} })).toEqual({
      valid: false,
      problems: ['DELETE /vnffm/v1/subscriptions/s-1 204: the Version header is required and missing'],
    });
    expect(
      validateResponse('POST', '/vnffm/v1/subscriptions', 303, '', {
        headers: { version: '1.3.0', location: 'https://api/vnffm/v1/subscriptions/s-1' },
      }),
    ).toEqual({ valid: true });
  });

  it('compiles the schema of every response the description has', () => {
    const document = openApiDocument();
    const validator = new ResponseValidator(document);
    const checked = Object.entries(document.paths ?? {}).flatMap(([path, operations]) =>
      Object.entries(operations as Record<string, { responses?: Record<string, unknown> }>).flatMap(
        ([method, operation]) =>
          Object.keys(operation.responses ?? {}).map((status) =>
            validator.validate(method, path, Number(status), null),
          ),
      ),
    );
    expect(checked.length).toBeGreaterThan(100);
  });

  it('accepts what the recovery routes answer, as their use case gives it', async () => {
    const recoveries = new InMemoryRecoveryStore();
    const planned = recoveriesFor(
      { host: HOST, hostAlarmId: DEATH_ALARM },
      DEAD_HOST_INSTANCES,
      policiesOf(tenantPolicy('tenant-a', 'evacuate'), tenantPolicy('tenant-b', 'restart')),
      DEFAULTS,
      new Date(secondsAfterEpoch(2)),
    );
    for (const recovery of planned) await recoveries.create(recovery);
    const api = httpView(
      new TenantRecoveries({
        recoveries,
        policies: new InMemoryPolicyStore(),
        answered: async () => undefined,
        defaults: DEFAULTS,
        clock: new FakeClock(10).clock,
      }),
    );
    const tenant = callerOf('tenant-a');
    const [list, defaultPolicy, setPolicy] = [
      await api.list(tenant, {}),
      await api.getPolicy(tenant, {}),
      await api.putPolicy(tenant, { policy: 'evacuate', graceS: 20 }, {}),
    ];
    const recoveryId = (list.body as { recoveryId: string }[])[0]?.recoveryId as string;
    const answered = await api.answer(tenant, recoveryId, { answer: 'PROCEED' }, {});

    expect(validateResponse('GET', '/v1/recoveries', list.status, list.body)).toEqual({ valid: true });
    expect(validateResponse('GET', '/v1/recovery-policy', defaultPolicy.status, defaultPolicy.body)).toEqual({
      valid: true,
    });
    expect(validateResponse('PUT', '/v1/recovery-policy', setPolicy.status, setPolicy.body)).toEqual({ valid: true });
    expect(validateResponse('PUT', `/v1/recoveries/${recoveryId}`, answered.status, answered.body)).toEqual({
      valid: true,
    });
  });
});
