import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCollectorEvent } from '../../../lib/contracts/southbound';
import {
  parseSdrElist,
  sdrSensorState,
  sdrSensorToDetail,
  type SdrSensor,
} from '../../../lib/monitor/hardware/ipmi-sdr';
import {
  parseSelList,
  selRecordToDetail,
  type HardwareDetail,
  type SelRecord,
} from '../../../lib/monitor/hardware/ipmi-sel';
import { parseRedfishEvent } from '../../../lib/monitor/hardware/redfish-event';
import { readSmartctl, smartctlDetail } from '../../../lib/monitor/hardware/smartctl';

/** Recorded tool outputs; test/fixtures/collector/README.md says where each comes from. */
const fixture = (path: string) => readFileSync(join(__dirname, '../../fixtures/collector/hardware', path), 'utf8');
const observedAt = '2026-11-25T10:00:00.000Z';

/** smartctl output as the smart source turns it into a detail, or the reason it cannot. */
function parseSmartctl(device: string, stdout: string, at: string) {
  const read = readSmartctl(device, stdout);
  return read.ok ? { ok: true as const, detail: smartctlDetail(device, read.output, at) } : read;
}

/** A detail must make a valid southbound event once the delivery adds its envelope. */
function expectContractValid(detail: HardwareDetail): void {
  const event = {
    source: 'nfvi.collector',
    'detail-type': 'hardware.event',
    detail: { ...detail, host: 'compute-1', collectorId: 'compute-1', seq: 1 },
  };
  expect(parseCollectorEvent(event)).toMatchObject({ ok: true });
}

describe('IPMI SEL (ipmitool sel list / sel elist)', () => {
  const simElist = parseSelList(fixture('ipmi/ipmi-sim-sel-elist.txt'));
  const entry = (records: SelRecord[], id: number) => {
    const record = records.find((r) => r.id === id);
    if (!record) throw new Error(`no SEL entry ${id}`);
    return record;
  };

  it.each([
    ['ipmi/ipmi-sim-sel-elist.txt', 21],
    ['ipmi/ipmi-sim-sel-list.txt', 21],
    ['ipmi/ipmi-sim-no-sdr-sel-elist.stdout.txt', 1],
    ['ipmi/gengwg-cheatsheets-dell-sel-list.txt', 2],
  ])('parses every entry of %s and only entries', (name, count) => {
    // Act
    const records = parseSelList(fixture(name));

    // Assess
    expect(records).toHaveLength(count);
    for (const record of records) expectContractValid(selRecordToDetail(record, observedAt));
  });

  it('reads record ids as the hex ipmitool prints', () => {
    expect(simElist.map((r) => r.id)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
  });

  it('takes nothing from an empty SEL or from the notices ipmitool prints around entries', () => {
    expect(parseSelList('')).toEqual([]);
    expect(parseSelList(fixture('ipmi/ipmi-sim-empty-sel-elist.stderr.txt'))).toEqual([]);
    expect(parseSelList(fixture('ipmi/ipmi-sim-no-sdr-sel-elist.stderr.txt'))).toEqual([]);
  });

  it('splits the sensor type from the sensor name, types with spaces and slashes included', () => {
    expect(entry(simElist, 0x5)).toMatchObject({ sensorType: 'Drive Slot / Bay', sensorName: 'Drive 0' });
    expect(entry(simElist, 0x2)).toMatchObject({ sensorType: 'Power Supply', sensorName: 'PS2 Status' });
    const dell = parseSelList(fixture('ipmi/gengwg-cheatsheets-dell-sel-list.txt'));
    expect(dell[0]).toMatchObject({
      id: 1,
      date: '12/17/2019',
      time: '02:57:25',
      sensorType: 'Event Logging Disabled',
    });
    expect(dell[1]).toMatchObject({ id: 0x11, sensorType: 'Power Supply', sensorName: '#0xfb' });
  });

  it('keeps the direction and the threshold reading sel elist adds', () => {
    // Act
    const detail = selRecordToDetail(entry(simElist, 0x7), observedAt);

    // Assess
    expect(entry(simElist, 0x7)).toMatchObject({
      date: 'Pre-Init',
      event: 'Upper Critical going high',
      direction: 'Asserted',
      extra: 'Reading 92 > Threshold 90 degrees C',
    });
    expect(detail).toEqual({
      observedAt,
      component: 'thermal',
      sensor: 'Temperature CPU1 Temp',
      reading: 92,
      state: 'critical',
      message:
        'IPMI SEL entry 7: Temperature CPU1 Temp: Upper Critical going high | Asserted | Reading 92 > Threshold 90 degrees C',
    });
  });

  it.each<[number, HardwareDetail['component'], HardwareDetail['state'], string]>([
    [0x01, 'psu', 'ok', 'Presence detected | Asserted'],
    [0x06, 'thermal', 'warning', 'Upper Non-critical going high | Asserted'],
    [0x07, 'thermal', 'critical', 'Upper Critical going high | Asserted'],
    [0x08, 'fan', 'critical', 'Lower Non-recoverable going low | Asserted'],
    [0x09, 'memory', 'warning', 'Correctable ECC | Asserted'],
    [0x0a, 'memory', 'critical', 'Uncorrectable ECC | Asserted'],
    [0x0b, 'disk', 'critical', 'Drive Fault | Asserted'],
    [0x0c, 'cpu', 'critical', 'IERR | Asserted'],
    [0x0d, 'psu', 'critical', 'Power Supply AC lost | Asserted'],
    [0x0e, 'psu', 'warning', 'Lower Non-critical going low | Asserted'],
    [0x0f, 'psu', 'critical', 'Lower Critical going low | Asserted'],
    [0x11, 'thermal', 'ok', 'Upper Critical going high | Deasserted'],
    [0x14, 'fan', 'ok', 'Lower Non-recoverable going low | Deasserted'],
    [0x15, 'psu', 'ok', 'Power Supply AC lost | Deasserted'],
  ])('maps entry %i of the simulated BMC to %s %s (%s)', (id, component, state) => {
    expect(selRecordToDetail(entry(simElist, id), observedAt)).toMatchObject({ component, state });
  });

  it('maps entries without SDR names, and sensor types it has no component for, to the mainboard', () => {
    // Prepare
    const [cleared, acLost] = parseSelList(fixture('ipmi/gengwg-cheatsheets-dell-sel-list.txt'));
    const [event1] = parseSelList(fixture('ipmi/ipmi-sim-no-sdr-sel-elist.stdout.txt'));

    // Assess
    expect(selRecordToDetail(cleared!, observedAt)).toMatchObject({ component: 'mainboard', state: 'ok' });
    expect(selRecordToDetail(acLost!, observedAt)).toMatchObject({
      component: 'psu',
      state: 'critical',
      sensor: 'Power Supply #0xfb',
    });
    expect(selRecordToDetail(event1!, observedAt)).toMatchObject({
      component: 'thermal',
      state: 'critical',
      sensor: 'Temperature #0x30',
    });
  });

  // Records built here from real entries, to pin rules the recorded SELs do not exercise.
  it('treats a presence that is deasserted as a part gone, not as a fault cleared', () => {
    const gone = { ...entry(simElist, 0x1), direction: 'Deasserted' as const };
    expect(selRecordToDetail(gone, observedAt)).toMatchObject({ component: 'psu', state: 'warning' });
  });

  it('treats any watchdog action as the host hung, and a predictive failure as a warning', () => {
    const base = entry(simElist, 0x1);
    const watchdog = { ...base, sensorType: 'Watchdog2', sensorName: '#0x81', event: 'Hard reset' };
    const predictive = { ...base, event: 'Predictive failure' };
    expect(selRecordToDetail(watchdog, observedAt)).toMatchObject({ component: 'mainboard', state: 'critical' });
    expect(selRecordToDetail(predictive, observedAt)).toMatchObject({ component: 'psu', state: 'warning' });
  });
});

describe('IPMI sensors (ipmitool sdr elist)', () => {
  const atStart = parseSdrElist(fixture('ipmi/ipmi-sim-sdr-elist-at-start.txt'));
  const afterFaults = parseSdrElist(fixture('ipmi/ipmi-sim-sdr-elist-after-faults.txt'));
  const telegraf = parseSdrElist(fixture('ipmi/telegraf-sdr-elist-v2.txt'));
  const sensor = (sensors: SdrSensor[], name: string) => {
    const found = sensors.find((s) => s.name === name);
    if (!found) throw new Error(`no sensor ${name}`);
    return found;
  };

  it('parses every sensor line and skips the error lines ipmitool interleaves', () => {
    expect(atStart).toHaveLength(11);
    expect(afterFaults).toHaveLength(11);
    expect(telegraf.map((s) => s.name)).toEqual([
      'SEL',
      'Intrusion',
      'Fan1',
      'Inlet Temp',
      'USB Cable Pres',
      'Current 1',
      'Power Supply 1',
    ]);
    expect(parseSdrElist(fixture('ipmi/ipmi-sim-no-sdr-sdr-elist.stdout.txt'))).toEqual([]);
    expect(sensor(atStart, 'FAN2')).toEqual({
      name: 'FAN2',
      sensorId: '04h',
      status: 'lcr',
      entity: '29.2',
      description: '400 RPM',
    });
  });

  it.each<[string, string, HardwareDetail['state'] | 'no state']>([
    ['at-start', 'CPU1 Temp', 'ok'],
    ['at-start', 'Inlet Temp', 'warning'],
    ['at-start', 'FAN2', 'critical'],
    ['at-start', 'CPU2 Temp', 'no state'],
    ['at-start', 'PS1 Status', 'ok'],
    ['at-start', 'PS2 Status', 'critical'],
    ['after-faults', 'FAN2', 'ok'],
    ['after-faults', '12V', 'critical'],
    ['after-faults', 'CPU1 Status', 'critical'],
    ['after-faults', 'DIMM A1', 'critical'],
    ['after-faults', 'Drive 0', 'critical'],
    ['telegraf', 'SEL', 'no state'],
    ['telegraf', 'Intrusion', 'ok'],
    ['telegraf', 'Power Supply 1', 'ok'],
  ])('gives %s sensor %s the state: %s', (set, name, state) => {
    const sensors = set === 'at-start' ? atStart : set === 'after-faults' ? afterFaults : telegraf;
    expect(sdrSensorState(sensor(sensors, name))).toBe(state === 'no state' ? undefined : state);
  });

  it.each<[string, string, HardwareDetail['component']]>([
    ['at-start', 'CPU1 Temp', 'thermal'],
    ['at-start', 'FAN2', 'fan'],
    ['at-start', '12V', 'psu'],
    ['at-start', 'PS2 Status', 'psu'],
    ['at-start', 'CPU1 Status', 'cpu'],
    ['at-start', 'DIMM A1', 'memory'],
    ['at-start', 'Drive 0', 'disk'],
    ['telegraf', 'Intrusion', 'mainboard'],
    ['telegraf', 'Current 1', 'psu'],
    ['telegraf', 'Fan1', 'fan'],
  ])('attributes %s sensor %s to component %s', (set, name, component) => {
    const found = sensor(set === 'at-start' ? atStart : telegraf, name);
    expect(sdrSensorToDetail(found, 'ok', observedAt).component).toBe(component);
  });

  it('reports numeric readings as numbers and discrete states as text', () => {
    expect(sdrSensorToDetail(sensor(afterFaults, '12V'), 'critical', observedAt)).toEqual({
      observedAt,
      component: 'psu',
      sensor: '12V',
      reading: 10.5,
      state: 'critical',
      message: 'IPMI sensor 12V (05h, entity 7.1) status lcr: 10.50 Volts',
    });
    expect(sdrSensorToDetail(sensor(atStart, 'PS2 Status'), 'critical', observedAt)).toMatchObject({
      reading: 'Presence detected, Failure detected',
    });
  });

  it('makes contract-valid details of every sensor with a state', () => {
    for (const sensors of [atStart, afterFaults, telegraf])
      for (const s of sensors) {
        const state = sdrSensorState(s);
        if (state) expectContractValid(sdrSensorToDetail(s, state, observedAt));
      }
  });
});

describe('SMART (smartctl --json -a)', () => {
  const parse = (name: string, device = '/dev/sdc') => parseSmartctl(device, fixture(`smartctl/${name}`), observedAt);

  it.each<[string, HardwareDetail['state'], string[]]>([
    [
      'scrutiny-smart-fail2.json',
      'critical',
      [
        'Hitachi HDS721050DLE630 serial MSK423Y20S3HBC',
        'SMART overall-health self-assessment FAILED',
        '1975 reallocated sectors',
        '8 pending sectors',
      ],
    ],
    [
      'scrutiny-smart-nvme-failed.json',
      'warning',
      ['Samsung SSD 970 EVO 500GB serial S466NX0M776250H', '7 NVMe media and data integrity errors'],
    ],
    ['scrutiny-smart-fail.json', 'warning', ['SMART data unavailable (smartctl exit status 2)', 'Open failed']],
    ['smartctl_exporter-ST3200820AS_15.json', 'ok', ['ST3200820AS serial REDACTED', 'SMART overall-health passed']],
    ['smartctl_exporter-nvme-null-Samsung_SSD_970_EVO_Plus_250GB-nvme0.json', 'ok', ['Samsung SSD 970 EVO Plus 250GB']],
  ])('reads %s as %s', (name, state, phrases) => {
    // Act
    const result = parse(name);

    // Assess
    if (!result.ok) throw new Error(result.reason);
    expect(result.detail).toMatchObject({ observedAt, component: 'disk', sensor: '/dev/sdc', state });
    for (const phrase of phrases) expect(result.detail.message).toContain(phrase);
    expectContractValid(result.detail);
  });

  it.each(['local-virtio-vda.json', 'smartctl_exporter-nonexistent-device.json'])(
    'refuses %s, where smartctl could not make sense of the device, with its message',
    (name) => {
      expect(parse(name)).toEqual({ ok: false, reason: expect.stringContaining('Unable to detect device type') });
    },
  );

  it('refuses output that is not smartctl JSON', () => {
    expect(parseSmartctl('/dev/sda', 'smartctl: command not found', observedAt)).toEqual({
      ok: false,
      reason: expect.stringContaining('smartctl printed no JSON for /dev/sda'),
    });
    expect(parseSmartctl('/dev/sda', '{"model_name": "x"}', observedAt)).toEqual({
      ok: false,
      reason: expect.stringContaining('smartctl'),
    });
  });

  // Variants of real outputs, built here for combinations no recorded drive shows.
  it('warns of remapped sectors on a drive whose overall verdict still passes', () => {
    // Prepare
    const failing = JSON.parse(fixture('smartctl/scrutiny-smart-fail2.json'));
    const passing = { ...failing, smart_status: { passed: true }, smartctl: { ...failing.smartctl, exit_status: 0 } };

    // Act
    const result = parseSmartctl('/dev/sdc', JSON.stringify(passing), observedAt);

    // Assess
    expect(result).toMatchObject({ ok: true, detail: { state: 'warning' } });
    expect(result.ok && result.detail.message).toContain('1975 reallocated sectors');
  });

  it('names the NVMe critical warning bits that are set', () => {
    // Prepare
    const healthy = JSON.parse(
      fixture('smartctl/smartctl_exporter-nvme-null-Samsung_SSD_970_EVO_Plus_250GB-nvme0.json'),
    );
    const degraded = {
      ...healthy,
      nvme_smart_health_information_log: { ...healthy.nvme_smart_health_information_log, critical_warning: 0x0c },
    };

    // Act
    const result = parseSmartctl('/dev/nvme0', JSON.stringify(degraded), observedAt);

    // Assess
    expect(result).toMatchObject({ ok: true, detail: { state: 'warning' } });
    expect(result.ok && result.detail.message).toContain(
      'NVMe critical warning 0xc: NVM subsystem reliability degraded, media in read-only mode',
    );
  });
});

describe('Redfish EventService pushes', () => {
  const json = (name: string) => JSON.parse(fixture(`redfish/${name}`));
  /** The iDRAC issue published only the Events array; this is the envelope the schema requires around it. */
  const envelope = (events: unknown) => ({
    '@odata.type': '#Event.v1_7_0.Event',
    Id: '1',
    Name: 'Event Array',
    Events: events,
  });

  it('reads the OpenBMC heartbeat, whose OriginOfCondition is a bare URI', () => {
    expect(parseRedfishEvent(json('openbmc-bmcweb-issue-311-heartbeat.json'), observedAt)).toEqual({
      ok: true,
      details: [
        {
          observedAt,
          component: 'bmc',
          sensor: '/redfish/v1/EventService/Subscriptions/585024379',
          state: 'ok',
          message:
            'Redfish service is functional. (Redfish HeartbeatEvent.1.0.RedfishServiceFunctional, at 2025-06-08T11:16:08+00:00)',
        },
      ],
    });
  });

  it.each([
    ['dell-idrac-issue-353-r470-events.json', '/redfish/v1/Systems/System.Embedded.1'],
    ['dell-idrac-issue-353-normal-events.json', '/redfish/v1/Chassis/System.Embedded.1/Sensors/SystemBoardInletTemp'],
  ])('reads the iDRAC inlet temperature warning of %s as a thermal warning', (name, origin) => {
    expect(parseRedfishEvent(envelope(json(name)), observedAt)).toMatchObject({
      ok: true,
      details: [{ component: 'thermal', sensor: origin, state: 'warning' }],
    });
  });

  it("reads DMTF's sample test event, which names no part, as the mainboard's", () => {
    expect(parseRedfishEvent(json('dmtf-tacklebox-test-event.json'), observedAt)).toMatchObject({
      ok: true,
      details: [
        {
          component: 'mainboard',
          sensor: 'Resource.1.3.TestMessage',
          state: 'ok',
          message: 'Test message. (Redfish Resource.1.3.TestMessage)',
        },
      ],
    });
  });

  it.each<[string, HardwareDetail['component']]>([
    ['/redfish/v1/Chassis/1/Thermal#/Fans/0', 'fan'],
    ['/redfish/v1/Chassis/1/Thermal#/Temperatures/2', 'thermal'],
    ['/redfish/v1/Chassis/1/Power#/PowerSupplies/1', 'psu'],
    ['/redfish/v1/Systems/1/Processors/CPU1', 'cpu'],
    ['/redfish/v1/Systems/1/Memory/DIMM_A1', 'memory'],
    ['/redfish/v1/Systems/1/Storage/RAID.Integrated.1-1/Drives/Disk.Bay.3', 'disk'],
    ['/redfish/v1/Systems/1/Storage/RAID.Integrated.1-1', 'storage-controller'],
    ['/redfish/v1/Managers/1', 'bmc'],
    ['/redfish/v1/Chassis/1', 'mainboard'],
  ])('attributes an event originating at %s to component %s', (origin, component) => {
    // Prepare: the DMTF sample event, pointed at one resource after another
    const event = json('dmtf-tacklebox-test-event.json');
    event.Events[0].OriginOfCondition = { '@odata.id': origin };

    // Act, Assess
    expect(parseRedfishEvent(event, observedAt)).toMatchObject({ ok: true, details: [{ component, sensor: origin }] });
  });

  it('takes the state from MessageSeverity, else from the older Severity', () => {
    const event = json('dmtf-tacklebox-test-event.json');
    event.Events = [
      { ...event.Events[0], MessageSeverity: 'Critical', Severity: 'OK' },
      { ...event.Events[0], MessageSeverity: undefined, Severity: 'Warning' },
    ];
    expect(parseRedfishEvent(event, observedAt)).toMatchObject({
      ok: true,
      details: [{ state: 'critical' }, { state: 'warning' }],
    });
  });

  it.each<[string, unknown, RegExp]>([
    ['a body without Events', { '@odata.type': '#Event.v1_7_0.Event', Id: '1' }, /Events/],
    ['a metric report', { '@odata.type': '#MetricReport.v1_4_2.MetricReport', Events: [] }, /@odata\.type/],
    [
      'an event without a severity',
      envelope([{ MessageId: 'Base.1.8.Success', Message: 'ok' }]),
      /MessageSeverity or Severity/,
    ],
    ['a severity Redfish does not define', envelope([{ MessageId: 'X.1.0.Y', Severity: 'Informational' }]), /Severity/],
    ['an array', [], /object/],
  ])('refuses %s, saying why', (_, raw, reason) => {
    const parsed = parseRedfishEvent(raw, observedAt);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toMatch(reason);
  });

  it('makes contract-valid details, however long the resource path', () => {
    const event = json('dmtf-tacklebox-test-event.json');
    event.Events[0].OriginOfCondition = { '@odata.id': `/redfish/v1/Chassis/${'x'.repeat(200)}/Sensors/InletTemp` };
    const parsed = parseRedfishEvent(event, observedAt);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.details[0]!.sensor).toMatch(/\/Sensors\/InletTemp$/);
    for (const detail of parsed.details) expectContractValid(detail);
  });
});
