import { sol003Alarm, type Sol003Alarm } from '../../../../lib/contracts/sol003-fm';
import { VnffmAlarms } from '../../../../lib/notifier/vnffm/vnffm-alarms';
import type { Caller } from '../../../../lib/platform/auth/keystone-authorizer';
import type { Outcome } from '../../../../lib/platform/outcome';
import { httpView, type HttpView } from '../../../support/http-outcome';
import { InMemoryAlarmViews } from '../../../support/in-memory-alarm-views';
import { ADMIN, ADMIN_PROJECT, alarmView, hostAlarmView, LINKS, TENANT_A, TENANT_B, VIM, VNFFM } from '../builders';

const NOW = '2026-03-01T12:00:00.000Z';

/**
 * tenant-a's four instance alarms (a-4 the newest), tenant-b's one, and the host alarm of
 * compute-1, kept under the administrator's project.
 */
function alarmsScene(pageSize = 50) {
  const views = new InMemoryAlarmViews(
    alarmView('a-1', { managedObjectId: 'vm-a1', raisedAt: 1, severity: 'MAJOR', eventType: 'EQUIPMENT_ALARM' }),
    alarmView('a-2', {
      managedObjectId: 'vm-a2',
      raisedAt: 2,
      severity: 'CRITICAL',
      eventType: 'COMMUNICATIONS_ALARM',
    }),
    alarmView('a-3', { managedObjectId: 'vm-a1', raisedAt: 3, severity: 'CRITICAL', eventType: 'QOS_ALARM' }),
    alarmView('a-4', { managedObjectId: 'vm-a2', raisedAt: 4, severity: 'CRITICAL', eventType: 'EQUIPMENT_ALARM' }),
    alarmView('b-1', { managedObjectId: 'vm-b1', tenantId: 'tenant-b', raisedAt: 5 }),
    hostAlarmView('h-1', 'compute-1', { severity: 'CRITICAL' }),
  );
  const raw = new VnffmAlarms(views, { adminProjectId: ADMIN_PROJECT, links: LINKS, pageSize }, () => new Date(NOW));
  return { views, raw, alarms: httpView(raw) };
}

/** The alarms of a 200 answer; fails the test on any other. */
function alarmsOf(outcome: HttpView): Sol003Alarm[] {
  if (outcome.status !== 200) throw new Error(`expected 200, got ${JSON.stringify(outcome)}`);
  return outcome.body as Sol003Alarm[];
}
const idsOf = (outcome: HttpView) => alarmsOf(outcome).map((a) => a.id);

/** The ids of a page of the list and its Link header; fails the test unless the list is answered. */
async function pageOf(alarms: VnffmAlarms, caller: Caller, params: Record<string, string>) {
  const outcome: Outcome = await alarms.list(caller, params);
  if (outcome.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
  return { ids: (outcome.body as Sol003Alarm[]).map((a) => a.id), link: outcome.headers?.Link };
}

/** The URL of a Link rel="next" header; fails the test without one. */
const nextUrlOf = (link: string | undefined) => {
  const match = /^<(.+)>; rel="next"$/.exec(link ?? '');
  if (!match?.[1]) throw new Error(`expected a Link rel="next", got ${link}`);
  return new URL(match[1]);
};

describe('Use case: SOL 003 alarms (VnffmAlarms)', () => {
  describe('list', () => {
    it("shows an instance alarm as SOL 003's Alarm: the server as its VNFC instance, the host as root cause, with links", async () => {
      // Prepare
      const { alarms } = alarmsScene();

      // Act
      const listed = alarmsOf(await alarms.list(TENANT_A, {})).find((a) => a.id === 'a-1');

      // Assess
      expect(listed).toEqual({
        id: 'a-1',
        managedObjectId: 'vm-a1',
        vnfcInstanceIds: ['vm-a1'],
        rootCauseFaultyResource: {
          faultyResource: {
            vimConnectionId: VIM,
            resourceId: 'compute-1',
            vimLevelResourceType: 'OS::Nova::Hypervisor',
          },
          faultyResourceType: 'COMPUTE',
        },
        alarmRaisedTime: '2026-03-01T10:01:00.000Z',
        ackState: 'UNACKNOWLEDGED',
        perceivedSeverity: 'MAJOR',
        eventTime: '2026-03-01T10:01:00.000Z',
        eventType: 'EQUIPMENT_ALARM',
        faultType: 'compute.host.down',
        probableCause: 'host down',
        isRootCause: false,
        correlatedAlarmIds: [],
        faultDetails: [],
        _links: {
          self: { href: `${VNFFM}/alarms/a-1` },
          objectInstance: { href: `${VNFFM}/alarms?filter=${encodeURIComponent('(eq,managedObjectId,vm-a1)')}` },
        },
      });
      expect(sol003Alarm.safeParse(listed).success).toBe(true);
      expect(listed).not.toHaveProperty('tenantId');
    });

    it('shows a host alarm with no VNFC instance', async () => {
      // Prepare
      const { alarms } = alarmsScene();

      // Act
      const [hostAlarm] = alarmsOf(await alarms.list(ADMIN, {}));

      // Assess
      expect(hostAlarm).toMatchObject({ id: 'h-1', managedObjectId: 'compute-1', isRootCause: true });
      expect(hostAlarm).not.toHaveProperty('vnfcInstanceIds');
    });

    it("lists a tenant's own alarms, newest first", async () => {
      // Prepare
      const { alarms } = alarmsScene();

      // Act
      const outcome = await alarms.list(TENANT_A, {});

      // Assess
      expect(idsOf(outcome)).toEqual(['a-4', 'a-3', 'a-2', 'a-1']);
    });

    it("never lists another tenant's alarms or the host alarms to a tenant", async () => {
      // Prepare
      const { alarms } = alarmsScene();

      // Act
      const toB = await alarms.list(TENANT_B, {});

      // Assess
      expect(idsOf(toB)).toEqual(['b-1']);
    });

    it("lists an administrator the host alarms, kept under the administrator's project", async () => {
      // Prepare
      const { alarms } = alarmsScene();

      // Act
      const toAdmin = await alarms.list(ADMIN, {});

      // Assess
      expect(idsOf(toAdmin)).toEqual(['h-1']);
    });

    it('keeps the alarms that pass every term of the filter', async () => {
      // Prepare
      const { alarms } = alarmsScene();

      // Act
      const outcome = await alarms.list(TENANT_A, {
        filter: '(eq,perceivedSeverity,CRITICAL);(in,eventType,EQUIPMENT_ALARM,COMMUNICATIONS_ALARM)',
      });

      // Assess
      expect(idsOf(outcome)).toEqual(['a-4', 'a-2']);
    });

    it('filters on a nested attribute of the shown alarm', async () => {
      // Prepare
      const { alarms } = alarmsScene();

      // Act
      const instanceAlarms = await alarms.list(TENANT_A, { filter: '(eq,vnfcInstanceIds,vm-a2)' });
      const onHypervisor = await alarms.list(TENANT_A, {
        filter: '(eq,rootCauseFaultyResource/faultyResource/vimLevelResourceType,OS::Nova::Hypervisor)',
      });

      // Assess
      expect(idsOf(instanceAlarms)).toEqual(['a-4', 'a-2']);
      expect(idsOf(onHypervisor)).toHaveLength(4);
    });

    it("lists the alarms of an alarm's object by following its objectInstance link", async () => {
      // Prepare
      const { alarms } = alarmsScene();
      const [newest] = alarmsOf(await alarms.list(TENANT_A, {}));
      const link = new URL(newest?._links.objectInstance?.href ?? '');

      // Act
      const outcome = await alarms.list(TENANT_A, Object.fromEntries(link.searchParams));

      // Assess
      expect(idsOf(outcome)).toEqual(['a-4', 'a-2']);
    });

    it('pages the list with a Link rel="next" that carries the filter, until the last page', async () => {
      // Prepare
      const { raw } = alarmsScene(2);
      const filter = '(neq,perceivedSeverity,MINOR)';

      // Act
      const first = await pageOf(raw, TENANT_A, { filter });
      const next = nextUrlOf(first.link);
      const second = await pageOf(raw, TENANT_A, Object.fromEntries(next.searchParams));

      // Assess
      expect(`${next.origin}${next.pathname}`).toBe(`${VNFFM}/alarms`);
      expect(next.searchParams.get('filter')).toBe(filter);
      expect(next.searchParams.get('nextpage_opaque_marker')).toEqual(expect.any(String));
      expect(first.ids).toEqual(['a-4', 'a-3']);
      expect(second).toEqual({ ids: ['a-2', 'a-1'], link: undefined });
    });

    it('keeps applying the filter on the next page', async () => {
      // Prepare
      const { raw } = alarmsScene(1);

      // Act
      const first = await pageOf(raw, TENANT_A, { filter: '(eq,perceivedSeverity,CRITICAL)' });
      const second = await pageOf(raw, TENANT_A, Object.fromEntries(nextUrlOf(first.link).searchParams));
      const third = await pageOf(raw, TENANT_A, Object.fromEntries(nextUrlOf(second.link).searchParams));

      // Assess
      expect([...first.ids, ...second.ids, ...third.ids]).toEqual(['a-4', 'a-3', 'a-2']);
      expect(third.link).toBeUndefined();
    });

    it('answers a list that fits one page without a Link header', async () => {
      // Prepare
      const { raw } = alarmsScene(4);

      // Act
      const page = await pageOf(raw, TENANT_A, {});

      // Assess
      expect(page).toEqual({ ids: ['a-4', 'a-3', 'a-2', 'a-1'], link: undefined });
    });

    it('refuses an unknown query parameter with 400, rather than ignoring it', async () => {
      // Prepare
      const { alarms } = alarmsScene();

      // Act
      const outcome = await alarms.list(TENANT_A, { perceivedSeverity: 'CRITICAL' });

      // Assess
      expect(outcome).toEqual({ status: 400, message: expect.stringContaining('perceivedSeverity') });
    });

    it('refuses a malformed filter with 400 naming the problem', async () => {
      // Prepare
      const { alarms } = alarmsScene();

      // Act
      const unknownAttribute = await alarms.list(TENANT_A, { filter: '(eq,severity,CRITICAL)' });
      const trailingSeparator = await alarms.list(TENANT_A, { filter: '(eq,perceivedSeverity,CRITICAL);' });

      // Assess
      expect(unknownAttribute).toEqual({ status: 400, message: 'the filter names an unknown attribute "severity"' });
      expect(trailingSeparator).toEqual({ status: 400, message: expect.stringContaining('it ends with ";"') });
    });

    it('refuses a marker this API did not give with 400', async () => {
      // Prepare
      const { alarms } = alarmsScene();

      // Act
      const outcome = await alarms.list(TENANT_A, { nextpage_opaque_marker: 'forged' });

      // Assess
      expect(outcome).toEqual({ status: 400, message: expect.stringContaining('nextpage_opaque_marker "forged"') });
    });
  });

  describe('get', () => {
    it("reads a tenant's own alarm", async () => {
      // Prepare
      const { alarms } = alarmsScene();

      // Act
      const outcome = await alarms.get(TENANT_A, 'a-2');

      // Assess
      expect(outcome).toEqual({
        status: 200,
        body: expect.objectContaining({ id: 'a-2', vnfcInstanceIds: ['vm-a2'] }),
      });
    });

    it("answers 404 to a tenant reading another tenant's alarm or a host alarm, as if it did not exist", async () => {
      // Prepare
      const { alarms } = alarmsScene();

      // Act
      const ofA = await alarms.get(TENANT_B, 'a-1');
      const hostAlarm = await alarms.get(TENANT_A, 'h-1');

      // Assess
      expect(ofA).toEqual({ status: 404, message: 'no alarm a-1' });
      expect(hostAlarm).toEqual({ status: 404, message: 'no alarm h-1' });
    });

    it('reads an administrator a host alarm', async () => {
      // Prepare
      const { alarms } = alarmsScene();

      // Act
      const outcome = await alarms.get(ADMIN, 'h-1');

      // Assess
      expect(outcome.status).toBe(200);
    });
  });

  describe('acknowledge', () => {
    it('acknowledges an alarm: 200 with the modifications, and the alarm shows when it was acknowledged', async () => {
      // Prepare
      const { alarms } = alarmsScene();

      // Act
      const outcome = await alarms.acknowledge(TENANT_A, 'a-1', { ackState: 'ACKNOWLEDGED' });

      // Assess
      expect(outcome).toEqual({ status: 200, body: { ackState: 'ACKNOWLEDGED' } });
      expect((await alarms.get(TENANT_A, 'a-1')).body).toMatchObject({
        ackState: 'ACKNOWLEDGED',
        alarmAcknowledgedTime: NOW,
      });
    });

    it('answers 409 to the same acknowledgement again', async () => {
      // Prepare
      const { alarms } = alarmsScene();
      await alarms.acknowledge(TENANT_A, 'a-1', { ackState: 'ACKNOWLEDGED' });

      // Act
      const again = await alarms.acknowledge(TENANT_A, 'a-1', { ackState: 'ACKNOWLEDGED' });

      // Assess
      expect(again).toEqual({ status: 409, message: 'alarm a-1 is already ACKNOWLEDGED' });
    });

    it('answers 409 to un-acknowledging an alarm that is not acknowledged', async () => {
      // Prepare
      const { alarms } = alarmsScene();

      // Act
      const outcome = await alarms.acknowledge(TENANT_A, 'a-1', { ackState: 'UNACKNOWLEDGED' });

      // Assess
      expect(outcome).toEqual({ status: 409, message: 'alarm a-1 is already UNACKNOWLEDGED' });
    });

    it('takes an acknowledgement back with UNACKNOWLEDGED, and the alarm no longer shows an acknowledgement time', async () => {
      // Prepare
      const { alarms } = alarmsScene();
      await alarms.acknowledge(TENANT_A, 'a-1', { ackState: 'ACKNOWLEDGED' });

      // Act
      const outcome = await alarms.acknowledge(TENANT_A, 'a-1', { ackState: 'UNACKNOWLEDGED' });

      // Assess
      expect(outcome).toEqual({ status: 200, body: { ackState: 'UNACKNOWLEDGED' } });
      const shown = (await alarms.get(TENANT_A, 'a-1')).body;
      expect(shown).toMatchObject({ ackState: 'UNACKNOWLEDGED' });
      expect(shown).not.toHaveProperty('alarmAcknowledgedTime');
    });

    it('lets the acknowledgement time be filtered on', async () => {
      // Prepare
      const { alarms } = alarmsScene();
      await alarms.acknowledge(TENANT_A, 'a-2', { ackState: 'ACKNOWLEDGED' });

      // Act
      const acknowledged = await alarms.list(TENANT_A, { filter: `(eq,alarmAcknowledgedTime,${NOW})` });
      const unacknowledged = await alarms.list(TENANT_A, { filter: '(eq,ackState,UNACKNOWLEDGED)' });

      // Assess
      expect(idsOf(acknowledged)).toEqual(['a-2']);
      expect(idsOf(unacknowledged)).toEqual(['a-4', 'a-3', 'a-1']);
    });

    it("answers 404 to a tenant acknowledging another tenant's alarm, and leaves it unacknowledged", async () => {
      // Prepare
      const { alarms, views } = alarmsScene();

      // Act
      const outcome = await alarms.acknowledge(TENANT_B, 'a-1', { ackState: 'ACKNOWLEDGED' });

      // Assess
      expect(outcome).toEqual({ status: 404, message: 'no alarm a-1' });
      expect(views.views.get('a-1')?.alarm.ackState).toBe('UNACKNOWLEDGED');
    });

    it('lets an administrator acknowledge a host alarm, but not a tenant', async () => {
      // Prepare
      const { alarms, views } = alarmsScene();

      // Act
      const byTenant = await alarms.acknowledge(TENANT_A, 'h-1', { ackState: 'ACKNOWLEDGED' });
      const byAdmin = await alarms.acknowledge(ADMIN, 'h-1', { ackState: 'ACKNOWLEDGED' });

      // Assess
      expect(byTenant.status).toBe(404);
      expect(byAdmin.status).toBe(200);
      expect(views.views.get('h-1')?.acknowledgedAt).toBe(NOW);
    });

    it.each([
      ['an unknown ackState', { ackState: 'ACKED' }],
      ['no ackState', {}],
      ['an unknown field', { ackState: 'ACKNOWLEDGED', perceivedSeverity: 'MINOR' }],
      ['no object', 'ACKNOWLEDGED'],
      ['null', null],
    ])('answers 400 to a body with %s, and changes nothing', async (_, body) => {
      // Prepare
      const { alarms, views } = alarmsScene();

      // Act
      const outcome = await alarms.acknowledge(TENANT_A, 'a-1', body);

      // Assess
      expect(outcome).toEqual({ status: 400, message: expect.any(String) });
      expect(views.views.get('a-1')?.alarm.ackState).toBe('UNACKNOWLEDGED');
    });
  });
});
