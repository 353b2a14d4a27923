import { spawnSync } from 'node:child_process';
import { aodhEventAlarm, type AodhEventAlarm } from '../../../lib/contracts/aodh-event-alarm';
import type { AlarmClearedNotification, AlarmNotification } from '../../../lib/contracts/etsi-alarm';
import type { HostNotification, SessionNotification, TenantNotification } from '../../../lib/contracts/fenix';
import {
  aodhEventAlarmOf,
  ceilometerTime,
  structuredTraitValue,
  textTraitValue,
} from '../../../lib/notifier/aodh-event-alarm';

const CLOCK = new Date('2026-11-25T00:25:09.120Z');
const TENANT = 'vnf-epc-operator-a';
const ADMIN = 'admin-project';
const SUBSCRIPTION = { id: 'sub-1', tenantId: TENANT };
const ADMIN_SUBSCRIPTION = { id: 'sub-admin', tenantId: ADMIN };
const INSTANCE = '5d0c9e21-9a4f-4c1e-8f3b-2b7d1a6e0c55';
const SESSION = '8b1d4c2e-6f3a-4e5b-9c7d-0a1b2c3d4e5f';
const API = 'https://api.example/v1/maintenance';

/** The instance alarm the correlator publishes to the tenant when compute-1 goes down (docs/api.md). */
function instanceAlarm(change: Partial<AlarmNotification['alarm']> = {}): AlarmNotification {
  return {
    id: 'ec5bed3a-1f0e-5d2c-9b7a-3c4d5e6f7a8b',
    notificationType: 'AlarmNotification',
    timeStamp: '2026-11-25T00:25:07.834Z',
    alarm: {
      id: '495ca4ab-2e1f-5a3b-8c9d-0e1f2a3b4c5d',
      managedObjectId: INSTANCE,
      tenantId: TENANT,
      rootCauseFaultyResource: {
        faultyResource: { vimConnectionId: 'openstack', resourceId: 'compute-1' },
        faultyResourceType: 'COMPUTE',
      },
      alarmRaisedTime: '2026-11-25T00:25:07.834Z',
      ackState: 'UNACKNOWLEDGED',
      eventTime: '2026-11-25T00:25:07.514Z',
      perceivedSeverity: 'CRITICAL',
      eventType: 'COMMUNICATIONS_ALARM',
      faultType: 'compute.host.down',
      probableCause: 'Compute host unreachable (management network lost)',
      isRootCause: false,
      correlatedAlarmIds: ['ce96910f-3a2b-5c4d-8e9f-0a1b2c3d4e5f'],
      faultDetails: ['instance spgw-active on host compute-1'],
      ...change,
    },
  };
}

/** What the maintenance workflow tells a tenant when its instances are on hosts to maintain. */
function scheduled(change: Partial<TenantNotification> = {}): TenantNotification {
  return {
    service: 'nfvi-doctor',
    session_id: SESSION,
    project_id: TENANT,
    reply_url: `${API}/${SESSION}/${TENANT}`,
    metadata: { openstack_version: 'Train', reason: 'firmware' },
    state: 'PREPARE_MAINTENANCE',
    instance_ids: `${API}/${SESSION}/${TENANT}`,
    allowed_actions: ['MIGRATE', 'LIVE_MIGRATE', 'OWN_ACTION'],
    actions_at: '2026-11-25T01:00:00.000Z',
    reply_at: '2026-11-25T00:30:00.500Z',
    ...change,
  } as TenantNotification;
}

const hostInMaintenance: HostNotification = {
  service: 'nfvi-doctor',
  project_id: ADMIN,
  session_id: SESSION,
  host: 'compute-1',
  state: 'IN_MAINTENANCE',
};

/** The traits as a dict, as Aodh's evaluator and every consumer read them. */
const traitsOf = (body: AodhEventAlarm | undefined) =>
  Object.fromEntries((body?.reason_data.event.traits ?? []).map(([name, , value]) => [name, value]));
const traitTypesOf = (body: AodhEventAlarm | undefined) =>
  Object.fromEntries((body?.reason_data.event.traits ?? []).map(([name, type]) => [name, type]));

/**
 * Reads trait values with the real Python readers: yaml.safe_load and ast.literal_eval, Doctor's
 * app manager decoder (doctor_tests/app_manager/sample.py, with safe_load for PyYAML 6's load)
 * and Tacker's alarm receiver (tacker/alarm_receiver.py `_handle_maintenance_body`).
 */
function readInPython(values: string[]): Array<Record<'yaml' | 'ast' | 'doctor' | 'tacker', unknown>> {
  const script = `
import ast, json, sys, yaml
def doctor(data):
    if "[" in data or "{" in data:
        data = yaml.safe_load(data.replace("u'", "'"))
    return data
def tacker(val):
    if val and (val[0] == '[' or val[0] == '{'):
        return eval(val)
    return val
def attempt(read, value):
    try:
        return read(value)
    except Exception as e:
        return 'ERROR: %s' % e
json.dump([{'yaml': attempt(yaml.safe_load, v), 'ast': attempt(ast.literal_eval, v),
            'doctor': attempt(doctor, v), 'tacker': attempt(tacker, v)} for v in json.load(sys.stdin)], sys.stdout, default=str)
`;
  const run = spawnSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify(values), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python3 with yaml is needed for this test: ${run.stderr || run.error}`);
  return JSON.parse(run.stdout);
}

describe('Aodh event-alarm delivery: a notification as the body Aodh POSTs when an event alarm fires', () => {
  describe('an instance alarm whose host fault resets the instance to ERROR', () => {
    it("arrives as the compute.instance.update Nova emits when Doctor's inspector resets the server to error", () => {
      const body = aodhEventAlarmOf(instanceAlarm(), SUBSCRIPTION, CLOCK);

      expect(aodhEventAlarm.parse(body)).toEqual(body);
      expect(body).toEqual({
        alarm_name: 'nfvi-doctor-instance-error-sub-1',
        alarm_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        severity: 'critical',
        previous: 'alarm',
        current: 'alarm',
        reason:
          'Event <id=ec5bed3a-1f0e-5d2c-9b7a-3c4d5e6f7a8b,event_type=compute.instance.update> hits the query ' +
          '<query=[{"field": "traits.state", "op": "eq", "type": "string", "value": "error"}]>.',
        reason_data: {
          type: 'event',
          event: {
            message_id: 'ec5bed3a-1f0e-5d2c-9b7a-3c4d5e6f7a8b',
            event_type: 'compute.instance.update',
            generated: '2026-11-25T00:25:07.834000',
            traits: [
              ['tenant_id', 1, TENANT],
              ['project_id', 1, TENANT],
              ['instance_id', 1, INSTANCE],
              ['resource_id', 1, INSTANCE],
              ['host', 1, 'compute-1'],
              ['service', 1, 'compute'],
              ['state', 1, 'error'],
              ['fault_type', 1, 'compute.host.down'],
              ['nfvi_alarm_id', 1, '495ca4ab-2e1f-5a3b-8c9d-0e1f2a3b4c5d'],
            ],
            raw: {},
          },
        },
      });
    });

    it("fires Doctor's consumer alarm: traits.instance_id eq the server, traits.state eq error (doctor_tests/alarm.py)", () => {
      const traits = traitsOf(aodhEventAlarmOf(instanceAlarm(), SUBSCRIPTION, CLOCK));

      expect(traits).toMatchObject({ instance_id: INSTANCE, state: 'error', tenant_id: TENANT });
    });

    it("is sent again, with the notification's new id, when the alarm changes (its severity, the host's fencing)", () => {
      const changed = { ...instanceAlarm({ alarmChangedTime: '2026-11-25T00:26:00Z' }), id: 'changed-notification' };

      const body = aodhEventAlarmOf(changed, SUBSCRIPTION, CLOCK);

      expect(body?.reason_data.event.message_id).toBe('changed-notification');
      expect(traitsOf(body).state).toBe('error');
    });

    it('maps the severity: CRITICAL and MAJOR to critical', () => {
      expect(aodhEventAlarmOf(instanceAlarm({ perceivedSeverity: 'MAJOR' }), SUBSCRIPTION, CLOCK)?.severity).toBe(
        'critical',
      );
    });
  });

  describe('ids, so that a retried delivery is the same body', () => {
    it('gives the same alarm id to every delivery of one subscription and kind, and another to each other one', () => {
      const alarmId = (n: unknown, sub = SUBSCRIPTION) => aodhEventAlarmOf(n, sub, CLOCK)?.alarm_id;

      expect(alarmId(instanceAlarm())).toBe(alarmId({ ...instanceAlarm(), id: 'another-notification' }));
      expect(alarmId(instanceAlarm())).not.toBe(alarmId(instanceAlarm(), { id: 'sub-2', tenantId: TENANT }));
      expect(alarmId(instanceAlarm())).not.toBe(alarmId(scheduled()));
    });

    it("takes the event's message_id from the notification's id, so a copy is the same body at any time", () => {
      const first = aodhEventAlarmOf(instanceAlarm(), SUBSCRIPTION, CLOCK);
      const retried = aodhEventAlarmOf(instanceAlarm(), SUBSCRIPTION, new Date('2026-11-25T01:00:00Z'));

      expect(retried).toEqual(first);
    });

    it('derives a maintenance notification’s message_id from its content: the same for a repeat, another for another state', () => {
      const messageId = (n: unknown) => aodhEventAlarmOf(n, SUBSCRIPTION, CLOCK)?.reason_data.event.message_id;

      expect(messageId(scheduled())).toBe(messageId(scheduled()));
      expect(messageId(scheduled())).toMatch(/^[0-9a-f-]{36}$/);
      expect(messageId(scheduled())).not.toBe(messageId(scheduled({ state: 'PLANNED_MAINTENANCE' })));
    });
  });

  describe('nothing is delivered for what has no Aodh equivalent', () => {
    const cleared: AlarmClearedNotification = {
      id: 'cleared-1',
      notificationType: 'AlarmClearedNotification',
      timeStamp: '2026-11-25T00:40:00Z',
      alarmId: '495ca4ab-2e1f-5a3b-8c9d-0e1f2a3b4c5d',
      alarmClearedTime: '2026-11-25T00:40:00Z',
    };
    const session: SessionNotification = {
      service: 'nfvi-doctor',
      project_id: ADMIN,
      session_id: SESSION,
      state: 'PREPARE_MAINTENANCE',
      previous_state: 'MAINTENANCE',
      hosts: { 'compute-1': 'DRAINING' },
      at: '2026-11-25T01:00:00Z',
    };

    it.each([
      [
        'the root-cause host alarm (Doctor tells the admin through its inspector, not Aodh)',
        instanceAlarm({ isRootCause: true, managedObjectId: 'compute-1', tenantId: TENANT }),
      ],
      ['an alarm clear (an event alarm never returns to ok; the instance stays in ERROR)', cleared],
      ['a NIC fault (Nova leaves the instance as it is)', instanceAlarm({ faultType: 'compute.host.nic.error' })],
      ['a degraded host (a fan)', instanceAlarm({ faultType: 'compute.host.fan.error', perceivedSeverity: 'WARNING' })],
      ['a predicted failure', instanceAlarm({ faultType: 'compute.host.failure.predicted' })],
      ['maintenance.session (Fenix: "not yet implemented")', session],
      [
        'a recovery notification',
        { id: 'r-1', notificationType: 'RecoveryNotification', timeStamp: '2026-11-25T00:40:00Z' },
      ],
      ['something that is no notification', { hello: 'world' }],
    ])('%s', (_, notification) => {
      expect(aodhEventAlarmOf(notification, SUBSCRIPTION, CLOCK)).toBeUndefined();
    });

    it("never delivers another project's notification, whatever topic it came from", () => {
      const other = { id: 'sub-b', tenantId: 'tenant-b' };

      expect(aodhEventAlarmOf(instanceAlarm(), other, CLOCK)).toBeUndefined();
      expect(aodhEventAlarmOf(scheduled(), other, CLOCK)).toBeUndefined();
      expect(aodhEventAlarmOf(hostInMaintenance, SUBSCRIPTION, CLOCK)).toBeUndefined();
    });
  });

  describe('maintenance.scheduled: what Fenix tells a project (fenix/workflow/workflow.py _project_notify)', () => {
    it('carries the fields of Fenix’s payload as the traits ceilometer’s event definitions give them', () => {
      const body = aodhEventAlarmOf(scheduled(), SUBSCRIPTION, CLOCK);

      expect(aodhEventAlarm.parse(body)).toEqual(body);
      expect(body).toMatchObject({
        alarm_name: 'nfvi-doctor-maintenance-scheduled-sub-1',
        severity: 'low',
        reason_data: { event: { event_type: 'maintenance.scheduled', generated: '2026-11-25T00:25:09.120000' } },
      });
      expect(body?.reason_data.event.traits).toEqual([
        ['service', 1, 'nfvi-doctor'],
        ['allowed_actions', 1, "['MIGRATE', 'LIVE_MIGRATE', 'OWN_ACTION']"],
        ['instance_ids', 1, `${API}/${SESSION}/${TENANT}`],
        ['reply_url', 1, `${API}/${SESSION}/${TENANT}`],
        ['state', 1, 'PREPARE_MAINTENANCE'],
        ['session_id', 1, SESSION],
        ['actions_at', 4, '2026-11-25T01:00:00'],
        ['project_id', 1, TENANT],
        ['reply_at', 4, '2026-11-25T00:30:00.500000'],
        ['metadata', 1, "{'openstack_version': 'Train', 'reason': 'firmware'}"],
      ]);
    });

    it("is read by Doctor's sample app manager: state, session_id, reply_url, and allowed_actions as a list", () => {
      const traits = traitsOf(aodhEventAlarmOf(scheduled(), SUBSCRIPTION, CLOCK));
      const read = readInPython(Object.values(traits).map(String));

      const doctor = Object.fromEntries(Object.keys(traits).map((name, i) => [name, read[i]?.doctor]));

      expect(doctor).toMatchObject({
        state: 'PREPARE_MAINTENANCE',
        session_id: SESSION,
        reply_url: `${API}/${SESSION}/${TENANT}`,
        instance_ids: `${API}/${SESSION}/${TENANT}`,
        allowed_actions: ['MIGRATE', 'LIVE_MIGRATE', 'OWN_ACTION'],
        metadata: { openstack_version: 'Train', reason: 'firmware' },
      });
    });

    it('gives INSTANCE_ACTION_DONE its instance as a list of one, and no actions_at or reply_at (Fenix sends None)', () => {
      const done = scheduled({
        state: 'INSTANCE_ACTION_DONE',
        instance_ids: [INSTANCE],
        allowed_actions: [],
        actions_at: null,
        reply_at: null,
        metadata: {},
      } as Partial<TenantNotification>);

      const traits = traitsOf(aodhEventAlarmOf(done, SUBSCRIPTION, CLOCK));

      expect(traits).toMatchObject({
        state: 'INSTANCE_ACTION_DONE',
        instance_ids: `['${INSTANCE}']`,
        allowed_actions: '[]',
      });
      expect(traits).not.toHaveProperty('actions_at');
      expect(traits).not.toHaveProperty('reply_at');
      expect(readInPython([traits.instance_ids as string])[0]?.doctor).toEqual([INSTANCE]);
    });

    it('gives MAINTENANCE_FAILED its reason, free text without brackets a YAML reader would take for a list', () => {
      const failed = scheduled({
        state: 'MAINTENANCE_FAILED',
        allowed_actions: [],
        actions_at: null,
        reply_at: null,
        reason: 'instance [vm-1] in ERROR after {migrate}',
      } as Partial<TenantNotification>);

      const traits = traitsOf(aodhEventAlarmOf(failed, SUBSCRIPTION, CLOCK));

      expect(traits.reason).toBe('instance (vm-1) in ERROR after (migrate)');
      expect(readInPython([traits.reason as string])[0]?.doctor).toBe(traits.reason);
    });
  });

  describe('maintenance.host: what Fenix tells the admin project (fenix/workflow/workflow.py _admin_notify)', () => {
    it('carries host, project_id, session_id and state, to the admin subscription', () => {
      const body = aodhEventAlarmOf(hostInMaintenance, ADMIN_SUBSCRIPTION, CLOCK);

      expect(aodhEventAlarm.parse(body)).toEqual(body);
      expect(body).toMatchObject({
        alarm_name: 'nfvi-doctor-maintenance-host-sub-admin',
        reason_data: { event: { event_type: 'maintenance.host' } },
      });
      expect(body?.reason_data.event.traits).toEqual([
        ['host', 1, 'compute-1'],
        ['project_id', 1, ADMIN],
        ['session_id', 1, SESSION],
        ['state', 1, 'IN_MAINTENANCE'],
      ]);
    });
  });

  describe('trait values', () => {
    it('writes times as ceilometer does: the naive UTC time of Python’s isoformat(), microseconds or none', () => {
      expect(ceilometerTime(new Date('2026-11-25T00:25:07.834Z'))).toBe('2026-11-25T00:25:07.834000');
      expect(ceilometerTime(new Date('2026-11-25T00:25:07Z'))).toBe('2026-11-25T00:25:07');
      expect(traitTypesOf(aodhEventAlarmOf(scheduled(), SUBSCRIPTION, CLOCK))).toMatchObject({
        actions_at: 4,
        reply_at: 4,
        state: 1,
      });
    });

    it('writes lists and dicts that yaml.safe_load, ast.literal_eval, Doctor’s decoder and Tacker’s eval all read back', () => {
      const cases: Array<[unknown[] | Record<string, unknown>, unknown]> = [
        [
          ['a', 'b'],
          ['a', 'b'],
        ],
        [[], []],
        [{}, {}],
        [
          ['MIGRATE', 'LIVE_MIGRATE'],
          ['MIGRATE', 'LIVE_MIGRATE'],
        ],
        // Doctor's decoder removes the u of every u': a string ending in u is double-quoted.
        [
          ['menu', 'u', "it's"],
          ['menu', 'u', "it's"],
        ],
        [
          ['say "hi"', 'back\\slash', 'a, b: c # d', "'quoted'", ''],
          ['say "hi"', 'back\\slash', 'a, b: c # d', "'quoted'", ''],
        ],
        [
          ['héllo wörld', 'ünïcode', '日本', '😀', 'tab\tnew\nline', '\u0085\u2028'],
          ['héllo wörld', 'ünïcode', '日本', '😀', 'tab\tnew\nline', '\u0085\u2028'],
        ],
        [
          ['yes', 'no', 'on', 'null', '~', '1', '0x1F', '1e5'],
          ['yes', 'no', 'on', 'null', '~', '1', '0x1F', '1e5'],
        ],
        [
          [1, -2, 0, 2.5, -0.125, 1e21, 1.5e-7, 123456789012],
          [1, -2, 0, 2.5, -0.125, 1e21, 1.5e-7, 123456789012],
        ],
        [
          [true, false, null],
          ['true', 'false', 'null'],
        ],
        [
          { zone: 'nova', menu: 'u-boot', 'key "q"': ['x', { n: 1 }] },
          { zone: 'nova', menu: 'u-boot', 'key "q"': ['x', { n: 1 }] },
        ],
      ];
      const written = cases.map(([value]) => structuredTraitValue(value));

      const read = readInPython(written);

      cases.forEach(([, expected], i) => {
        expect({ written: written[i], ...read[i] }).toEqual({
          written: written[i],
          yaml: expected,
          ast: expected,
          doctor: expected,
          tacker: expected,
        });
        expect(written[i]).toMatch(/^[\x20-\x7e]*$/);
      });
    });

    it("writes a list as Python's repr does where it can: single quotes, ', ' between elements", () => {
      expect(structuredTraitValue(['MIGRATE', 'LIVE_MIGRATE', 'OWN_ACTION'])).toBe(
        "['MIGRATE', 'LIVE_MIGRATE', 'OWN_ACTION']",
      );
      expect(structuredTraitValue({ a: 1, b: 'x' })).toBe("{'a': 1, 'b': 'x'}");
    });

    it('cuts a list longer than 255 characters between two elements, so it still reads back, as a shorter list', () => {
      const ids = Array.from({ length: 10 }, (_, i) => `${i}`.padStart(36, 'f'));

      const written = structuredTraitValue(ids);

      expect(written.length).toBeLessThanOrEqual(255);
      const [read] = readInPython([written]);
      expect(read?.yaml).toEqual(ids.slice(0, 6));
      expect(read?.ast).toEqual(ids.slice(0, 6));
    });

    it('cuts text at 255 characters as Python counts them, never inside a character', () => {
      expect(textTraitValue('x'.repeat(300))).toBe('x'.repeat(255));
      const emoji = `${'x'.repeat(254)}😀😀`;
      expect(textTraitValue(emoji)).toBe(`${'x'.repeat(254)}😀`);
      expect(
        aodhEventAlarm.shape.reason_data.shape.event.shape.traits.parse([['t', 1, textTraitValue(emoji)]]),
      ).toEqual([['t', 1, `${'x'.repeat(254)}😀`]]);
    });

    it('keeps every text trait of a delivery within 255 characters, however long the metadata', () => {
      const long = scheduled({
        metadata: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`key-${i}`, 'v'.repeat(20)])),
      });

      const body = aodhEventAlarmOf(long, SUBSCRIPTION, CLOCK);

      expect(aodhEventAlarm.safeParse(body).success).toBe(true);
      const metadata = traitsOf(body).metadata as string;
      expect(metadata.length).toBeLessThanOrEqual(255);
      expect(Object.keys(readInPython([metadata])[0]?.ast as object).length).toBeGreaterThan(0);
    });
  });
});
