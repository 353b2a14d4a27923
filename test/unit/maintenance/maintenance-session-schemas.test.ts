import { z } from 'zod';
import {
  createSessionBody,
  hostNotification,
  splitReplyState,
  tenantNotification,
  tenantReplyBody,
} from '../../../lib/contracts/fenix';

/** openstack-archive/fenix doc/source/api-ref/v1/samples/create-maintenance-session-post.json */
const fenixCreateSample = {
  hosts: [],
  state: 'MAINTENANCE',
  maintenance_at: '2018-02-28 06:06:03',
  metadata: { openstack_version: 'Queens' },
  workflow: 'default',
  download: [
    { url: 'https://my.sw.upgrades.com/SW1.tar.gz', size: '200M' },
    { url: 'https://my.sw.upgrades.com/ESW1.tar.gz', size: '1M' },
    { url: 'https://my.sw.upgrades.com/plugins1.tar.gz', size: '1M' },
  ],
  actions: [
    { order: 1, plugin: 'prepare', type: 'pre' },
    { order: 1, plugin: 'esw_upgrade', type: 'host', metadata: { upgrade: 'ESW1' } },
    { order: 2, plugin: 'os_upgrade', type: 'host', metadata: { upgrade: 'SW1' } },
    { order: 1, plugin: 'finalize', type: 'post' },
  ],
};

/** openstack-archive/fenix doc/source/api-ref/v1/samples/input-from-project-to-maintenance-session-put.json */
const fenixReplySample = {
  instance_actions: {
    '109e14d9-6566-42b3-93e4-76605f264d8f': 'MIGRATE',
    '71285107-f0fc-4428-a8b2-0b3edd64bcad': 'MIGRATE',
  },
  state: 'ACK_PLANNED_MAINTENANCE',
};

/** openstack-archive/fenix doc/source/notification/notifications.rst, project example. */
const fenixScheduledExample = {
  service: 'fenix',
  allowed_actions: ['MIGRATE', 'LIVE_MIGRATE', 'OWN_ACTION'],
  instance_ids:
    'http://0.0.0.0:12347/v1/maintenance/76e55df8-1c51-11e8-9928-0242ac110002/ead0dbcaf3564cbbb04842e3e54960e3',
  reply_url:
    'http://0.0.0.0:12347/v1/maintenance/76e55df8-1c51-11e8-9928-0242ac110002/ead0dbcaf3564cbbb04842e3e54960e3',
  state: 'MAINTENANCE',
  session_id: '76e55df8-1c51-11e8-9928-0242ac110002',
  reply_at: '2018-02-28T06:40:16',
  actions_at: '2018-02-29T00:00:00',
  project_id: 'ead0dbcaf3564cbbb04842e3e54960e3',
  metadata: { openstack_version: 'Queens' },
};

/** The same document, admin example. */
const fenixHostExample = {
  service: 'fenix',
  state: 'IN_MAINTENANCE',
  session_id: '76e55df8-1c51-11e8-9928-0242ac110002',
  host: 'overcloud-novacompute-0.opnfvlf.org',
  project_id: 'ead0dbcaf3564cbbb04842e3e54960e3',
};

const problems = (schema: z.ZodType, body: unknown) => {
  const result = schema.safeParse(body);
  return result.success ? '' : z.prettifyError(result.error);
};

describe('Maintenance API schemas', () => {
  describe('POST /v1/maintenance', () => {
    it("accepts Fenix's sample body, keeping its action plug-ins and downloads", () => {
      const body = createSessionBody.parse(fenixCreateSample);
      expect(body).toEqual({
        hosts: [],
        state: 'MAINTENANCE',
        maintenance_at: '2018-02-28T06:06:03.000Z',
        workflow: 'default',
        metadata: { openstack_version: 'Queens' },
        download: fenixCreateSample.download,
        actions: fenixCreateSample.actions.map((a) => ({ metadata: {}, ...a })),
        default_action: 'MIGRATE',
        reply_timeout_s: 300,
        drain_timeout_s: 1800,
        host_maintenance_timeout_s: 7200,
      });
    });

    it('reads a maintenance_at without a zone as UTC, as Fenix does, and honours an explicit offset', () => {
      const at = (maintenance_at: string) =>
        createSessionBody.parse({ ...fenixCreateSample, maintenance_at }).maintenance_at;
      expect(at('2018-02-28T06:06:03')).toBe('2018-02-28T06:06:03.000Z');
      expect(at('2018-02-28T08:06:03+02:00')).toBe('2018-02-28T06:06:03.000Z');
    });

    it("takes nfvi-doctor's default action and time limits when given", () => {
      const body = createSessionBody.parse({
        ...fenixCreateSample,
        hosts: ['compute-1'],
        default_action: 'LIVE_MIGRATE',
        reply_timeout_s: 60,
      });
      expect(body).toMatchObject({ hosts: ['compute-1'], default_action: 'LIVE_MIGRATE', reply_timeout_s: 60 });
    });

    it.each([
      ['a state other than MAINTENANCE', { state: 'START_MAINTENANCE' }, 'expected "MAINTENANCE"\n  → at state'],
      ['an unreadable time', { maintenance_at: 'tomorrow' }, 'expected a time like'],
      ['an impossible date', { maintenance_at: '2018-02-30T25:00:00Z' }, 'not a valid date and time'],
      ['a host twice', { hosts: ['compute-1', 'compute-1'] }, 'hosts must not repeat a host'],
      ['no workflow', { workflow: undefined }, '→ at workflow'],
      ['an unknown default action', { default_action: 'EVACUATE' }, '→ at default_action'],
      ['an unknown workflow', { workflow: 'rolling' }, 'unknown workflow "rolling": default or vnf\n  → at workflow'],
      ['a plug-in of an unknown type', { actions: [{ plugin: 'p', type: 'during' }] }, '→ at actions[0].type'],
      ['a plug-in without a name', { actions: [{ type: 'host' }] }, '→ at actions[0].plugin'],
      [
        'a plug-in with an unknown field',
        { actions: [{ plugin: 'p', type: 'host', when: 'now' }] },
        'Unrecognized key: "when"',
      ],
      ['a download without a URL', { download: [{ size: '1M' }] }, '→ at download[0].url'],
      ['a zero reply timeout', { reply_timeout_s: 0 }, '→ at reply_timeout_s'],
    ])('rejects %s with a reason naming the field', (_, change, reason) => {
      expect(problems(createSessionBody, { ...fenixCreateSample, ...change })).toContain(reason);
    });
  });

  describe('PUT /v1/maintenance/{session_id}/{project_id}', () => {
    it("accepts Fenix's sample reply", () => {
      expect(tenantReplyBody.parse(fenixReplySample)).toEqual(fenixReplySample);
    });

    it("accepts the replies of Doctor's sample VNF manager, which add session_id and instance_ids", () => {
      const body = tenantReplyBody.parse({ session_id: 's-1', instance_ids: ['vm-1'], state: 'ACK_MAINTENANCE' });
      expect(body).toEqual({ state: 'ACK_MAINTENANCE', instance_actions: {} });
    });

    it.each([
      ['a reply to a state tenants are not asked about', { state: 'ACK_START_MAINTENANCE' }, '→ at state'],
      ['a bare verdict', { state: 'ACK' }, '→ at state'],
      ['an unknown instance action', { instance_actions: { 'vm-1': 'EVACUATE' } }, '→ at instance_actions["vm-1"]'],
      ['instance actions as a list', { instance_actions: ['vm-1'] }, '→ at instance_actions'],
    ])('rejects %s with a reason naming the field', (_, change, reason) => {
      expect(problems(tenantReplyBody, { ...fenixReplySample, ...change })).toContain(reason);
    });

    it('splits a reply state into its verdict and the state it answers', () => {
      expect(splitReplyState('NACK_PREPARE_MAINTENANCE')).toEqual({ verdict: 'NACK', state: 'PREPARE_MAINTENANCE' });
      expect(splitReplyState('ACK_MAINTENANCE')).toEqual({ verdict: 'ACK', state: 'MAINTENANCE' });
    });
  });

  describe('notifications', () => {
    it("accepts Fenix's documented maintenance.scheduled payload", () => {
      expect(tenantNotification.parse(fenixScheduledExample)).toEqual(fenixScheduledExample);
    });

    it("accepts Fenix's documented maintenance.host payload", () => {
      expect(hostNotification.parse(fenixHostExample)).toEqual(fenixHostExample);
    });

    it('requires INSTANCE_ACTION_DONE to carry exactly one instance id and no deadlines', () => {
      const done = {
        ...fenixScheduledExample,
        state: 'INSTANCE_ACTION_DONE',
        instance_ids: ['vm-1'],
        allowed_actions: [],
        actions_at: null,
        reply_at: null,
      };
      expect(tenantNotification.safeParse(done).success).toBe(true);
      expect(tenantNotification.safeParse({ ...done, instance_ids: fenixScheduledExample.instance_ids }).success).toBe(
        false,
      );
    });
  });
});
