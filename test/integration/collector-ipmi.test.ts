import { IpmiSource } from '../../lib/monitor/hardware/ipmi-source';
import type { Report } from '../../lib/monitor/report';
import { addSelEvent, SAMPLE_EVENT_1, SAMPLE_EVENT_2, startIpmiSim, type IpmiSim } from '../support/ipmi-sim';

async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('IPMI source against a real BMC (OpenIPMI ipmi_sim over RMCP+)', () => {
  let sim: IpmiSim | undefined;

  beforeAll(async () => {
    sim = await startIpmiSim();
  });

  afterAll(() => sim?.stop());

  it('reports a SEL entry added after it started as a hardware.event, and none of the history', async () => {
    // Prepare: one entry already in the SEL (the sample event of `ipmitool event 2`)
    const bmc = sim!;
    await addSelEvent(bmc, SAMPLE_EVENT_2);
    const reports: Report[] = [];
    const warnings: string[] = [];
    const source = new IpmiSource(
      { command: 'ipmitool', args: bmc.ipmitoolArgs, intervalS: 0.5 },
      { warn: (message, extra) => warnings.push(`${message} ${JSON.stringify(extra)}`) },
    );

    try {
      // Act
      await source.start((report) => reports.push(report));
      const atStart = [...reports];
      await addSelEvent(bmc, SAMPLE_EVENT_1);
      await until(() => reports.length > 0, 'the report of the new SEL entry');

      // Assess
      expect(atStart).toEqual([]);
      expect(reports).toEqual([
        {
          detailType: 'hardware.event',
          detail: {
            observedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
            component: 'thermal',
            sensor: 'Temperature #0x30',
            state: 'critical',
            message: 'IPMI SEL entry 2: Temperature #0x30: Upper Critical going high | Asserted',
          },
        },
      ]);
      expect(warnings).toEqual([]);
    } finally {
      await source.stop();
    }
  });
});
