import type { LocalCloud } from '../../infra/local/local-cloud';
import { callApi } from '../../infra/local/local-cloud';
import {
  DOCTOR_POLLS,
  runDoctorScenario,
  type DoctorScenarioResult,
  type Workflow,
} from '../support/maintenance/doctor-scenario';
import { localCloud } from '../support/openstack';

/**
 * OPNFV Doctor's maintenance scenario (doctor_tests/scenario/maintenance.py) against the local
 * stack and the real Nova, in both of Fenix's workflows (test/support/maintenance/doctor-scenario.ts):
 * the session created and polled as Doctor does it, the tenant's VNF manager behaving as Doctor's
 * app manager (default) or Fenix's sample VNFM (vnf), the VNF's constraints watched in Nova.
 */
describe.each<Workflow>(['default', 'vnf'])(
  "Doctor's maintenance scenario, %s workflow (local OpenStack)",
  (workflow) => {
    let cloud: LocalCloud;
    let run: DoctorScenarioResult;
    let adminToken: string;

    beforeAll(
      async () => {
        cloud = localCloud();
        adminToken = await cloud.adminToken();
        const project = workflow === 'default' ? 'tenant-a' : 'tenant-b';
        run = await runDoctorScenario(cloud, workflow, project, {
          ha: ['fake-host-4', 'fake-host-5'],
          other: 'fake-host-6',
        });
      },
      DOCTOR_POLLS * 10_000 + 120_000,
    );

    afterAll(async () => {
      await run?.cleanUp();
    }, 120_000);

    it(`reaches MAINTENANCE_DONE well inside Doctor's limit of ${DOCTOR_POLLS} polls`, () => {
      expect(run.problems).toEqual([]);
      expect({ finalState: run.finalState, withinHalfTheLimit: run.polls <= DOCTOR_POLLS / 2 }).toEqual({
        finalState: 'MAINTENANCE_DONE',
        withinHalfTheLimit: true,
      });
    });

    it('leaves every compute host in service and every instance ACTIVE', async () => {
      const nova = cloud.nova();
      const services = await nova.listServices({ binary: 'nova-compute' });
      expect(services.filter((s) => s.status !== 'enabled' || s.forcedDown).map((s) => s.host)).toEqual([]);
      const after = await Promise.all(run.servers.map((s) => nova.getServer(s.id)));
      expect(after.map((s) => s.status)).toEqual(run.servers.map(() => 'ACTIVE'));
      const session = (await callApi('GET', `/v1/maintenance/${run.sessionId}`, adminToken)).body;
      const hosts = session.hosts as Record<string, string>;
      expect(Object.values(hosts).every((p) => p === 'MAINTENANCE_COMPLETE')).toBe(true);
      expect(run.hostNotices.size).toBe(2 * Object.keys(hosts).length);
    });

    it('never breaks the VNF constraints, as Nova showed them during the session', () => {
      expect(run.violations).toEqual([]);
    });

    it("counts each emptied host as maintained at once, Doctor's session naming no plug-in, and says so", async () => {
      const session = (await callApi('GET', `/v1/maintenance/${run.sessionId}/detail`, adminToken)).body;
      expect(session.actions).toEqual([]);
      const starts = (session.history as { to: string; reason?: string }[]).filter((h) => h.to === 'START_MAINTENANCE');
      expect(starts.length).toBeGreaterThan(0);
      expect(starts.every((h) => /no host action plug-in/.test(h.reason ?? ''))).toBe(true);
    });

    if (workflow === 'default') {
      it("lets Doctor's app manager switch its pair over before its active instance's host is emptied", () => {
        expect(run.doctorAppManager?.switchOvers).toBeGreaterThanOrEqual(1);
        expect(run.perInstanceNotices).toEqual([]);
      });
    } else {
      it('asks about one instance at a time, each answered alone, never about an instance the VNF manager does not own', () => {
        expect(run.perInstanceNotices.length).toBeGreaterThanOrEqual(run.servers.length);
        expect(run.perInstanceNotices.every((ids) => ids.length === 1)).toBe(true);
        expect(run.fenixVnfm?.nacked).toEqual([]);
        expect(run.fenixVnfm?.movedWhileActive).toEqual([]);
        expect(new Set(run.fenixVnfm?.moved)).toEqual(new Set(run.servers.map((s) => s.id)));
      });
    }
  },
);
