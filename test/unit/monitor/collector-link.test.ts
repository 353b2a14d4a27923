import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linkFromSysfs, parseIpMonitorLine, type LinkReading } from '../../../lib/monitor/link/ip-monitor';
import { LinkDamper } from '../../../lib/monitor/link/link-damping';
import { LinkSource } from '../../../lib/monitor/link/link-source';
import type { Report } from '../../../lib/monitor/report';

const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'collector', 'link', 'ip-o-monitor-link.txt');
const recorded = readFileSync(FIXTURE, 'utf8').split('\n').filter(Boolean);
const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('ip -o monitor link (recorded from iproute2 6.1 in a network namespace)', () => {
  it('reads every recorded line as an interface reading', () => {
    const readings = recorded.map(parseIpMonitorLine);
    expect(readings.every((reading) => reading !== undefined)).toBe(true);
    expect(new Set(readings.map((r) => r?.interface))).toEqual(new Set(['br0', 'veth0', 'veth1']));
  });

  it('reads a link that is up with a carrier as up', () => {
    const line = recorded.find((l) => l.startsWith('4: veth0@veth1: <BROADCAST,MULTICAST,UP,LOWER_UP>'))!;
    expect(parseIpMonitorLine(line)).toEqual({ interface: 'veth0', state: 'up', carrier: true });
  });

  it('reads `ip link set down` (no UP flag) as down', () => {
    const line = recorded.find((l) => l.startsWith('4: veth0@veth1: <BROADCAST,MULTICAST> '))!;
    expect(parseIpMonitorLine(line)).toEqual({ interface: 'veth0', state: 'down', carrier: false });
  });

  it('reads a lost carrier (peer down: NO-CARRIER, LOWERLAYERDOWN) as down', () => {
    const line = recorded.find((l) => l.startsWith('3: veth1@veth0: <NO-CARRIER'))!;
    expect(parseIpMonitorLine(line)).toEqual({ interface: 'veth1', state: 'down', carrier: false });
  });

  it('reads a bridge whose operstate is UNKNOWN but has a carrier as up', () => {
    expect(parseIpMonitorLine(recorded[0]!)).toEqual({ interface: 'br0', state: 'up', carrier: true });
  });

  it('reads a deleted interface as down', () => {
    const line = recorded.find((l) => l.startsWith('Deleted 4: veth0'))!;
    expect(parseIpMonitorLine(line)).toEqual({ interface: 'veth0', state: 'down', carrier: false });
  });

  it('ignores lines that are not link messages', () => {
    expect(parseIpMonitorLine('Timestamp: Wed Nov 25 02:20:00 2026 123 usec')).toBeUndefined();
    expect(parseIpMonitorLine('')).toBeUndefined();
  });
});

describe('/sys/class/net snapshot', () => {
  it('is up when administratively up, with a carrier and operstate up', () => {
    expect(linkFromSysfs('eno1', { operstate: 'up\n', carrier: '1\n', flags: '0x1003\n' })).toEqual({
      interface: 'eno1',
      state: 'up',
      carrier: true,
    });
  });

  it('is down when administratively down (carrier unreadable)', () => {
    expect(linkFromSysfs('eno1', { operstate: 'down\n', flags: '0x1002\n' })).toEqual({
      interface: 'eno1',
      state: 'down',
      carrier: false,
    });
  });

  it('is down without a carrier even when administratively up', () => {
    expect(linkFromSysfs('eno1', { operstate: 'lowerlayerdown\n', carrier: '0\n', flags: '0x1003\n' })).toMatchObject({
      state: 'down',
    });
  });

  it('is down when the interface does not exist', () => {
    expect(linkFromSysfs('eno9', {})).toEqual({ interface: 'eno9', state: 'down', carrier: false });
  });
});

describe('Link flap damping', () => {
  const up: LinkReading = { interface: 'eno1', state: 'up', carrier: true };
  const down: LinkReading = { interface: 'eno1', state: 'down', carrier: false };
  const settings = { halfLifeMs: 1000, suppressAbove: 2500, reuseBelow: 800, maxSuppressMs: 10_000 };

  /** Feeds readings at the given times, calls release when asked to, and returns what was sent. */
  function play(damper: LinkDamper, readings: Array<[number, LinkReading]>, untilMs: number): string[] {
    const sent: string[] = [];
    let wakeAt: number | undefined;
    const take = (step: { send?: { state: string }; wakeAt?: number }) => {
      if (step.send) sent.push(step.send.state);
      if (step.wakeAt !== undefined) wakeAt = step.wakeAt;
    };
    for (const [t, reading] of readings) {
      while (wakeAt !== undefined && wakeAt <= t) {
        const at = wakeAt;
        wakeAt = undefined;
        take(damper.release(at));
      }
      take(damper.observe(reading, t));
    }
    while (wakeAt !== undefined && wakeAt <= untilMs) {
      const at = wakeAt;
      wakeAt = undefined;
      take(damper.release(at));
    }
    return sent;
  }

  it('reports the first reading, the state the interface is in, without delay', () => {
    expect(new LinkDamper(settings).observe(up, 0)).toEqual({ send: up });
  });

  it('reports a fault and its recovery at once, each time, when they come seconds apart', () => {
    const readings: Array<[number, LinkReading]> = [[0, up]];
    for (let cycle = 0; cycle < 10; cycle++) readings.push([1000 + cycle * 3000, down], [1200 + cycle * 3000, up]);
    const damper = new LinkDamper(settings);
    const sent: string[] = [];
    for (const [t, reading] of readings) {
      const step = damper.observe(reading, t);
      expect(step.wakeAt).toBeUndefined();
      if (step.send) sent.push(step.send.state);
    }
    expect(sent).toEqual(['up', ...Array(10).fill(['down', 'up']).flat()]);
  });

  it('reports a link bouncing 100 times in a second a few times only, the last report being its final state', () => {
    const readings: Array<[number, LinkReading]> = [[0, up]];
    for (let t = 1000; t < 2000; t += 10) readings.push([t, (t / 10) % 2 === 0 ? down : up]);
    readings.push([2000, down]);
    const sent = play(new LinkDamper(settings), readings, 60_000);
    expect(sent.length).toBeLessThanOrEqual(4);
    expect(sent.at(-1)).toBe('down');
  });

  it('reports nothing after a storm that ends in the state last reported', () => {
    const readings: Array<[number, LinkReading]> = [[0, up]];
    for (let t = 1000; t <= 1400; t += 50) readings.push([t, (t / 50) % 2 === 0 ? down : up]);
    readings.push([1450, up]);
    const sent = play(new LinkDamper(settings), readings, 60_000);
    expect(sent.at(-1)).toBe('up');
    expect(sent.filter((s, i) => i > 0 && s === sent[i - 1])).toEqual([]);
  });

  it('keeps a link suppressed no longer than maxSuppressMs after its last change', () => {
    const damper = new LinkDamper(settings);
    damper.observe(up, 0);
    let step = {};
    // 2001 changes, one per millisecond, ending down (the last state reported was up).
    for (let t = 1; t <= 2001; t++) step = damper.observe(t % 2 === 0 ? up : down, t);
    expect((step as { wakeAt: number }).wakeAt).toBeLessThanOrEqual(2001 + settings.maxSuppressMs);
    expect(damper.release(2001 + settings.maxSuppressMs)).toEqual({ send: down });
  });

  it('ignores a repeated reading of the same state (ip monitor also prints feature changes)', () => {
    const damper = new LinkDamper(settings);
    damper.observe(up, 0);
    expect([damper.observe(up, 10), damper.observe(up, 20), damper.observe(down, 30)]).toEqual([
      {},
      {},
      { send: down },
    ]);
  });
});

describe('Link source', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nfvi-link-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A stand-in for `ip -o monitor link` that prints the given lines, then waits to be killed. */
  function monitorPrinting(lines: string[]) {
    const script = join(dir, 'monitor.sh');
    writeFileSync(join(dir, 'lines.txt'), lines.join('\n') + '\n');
    writeFileSync(script, `#!/bin/sh\nsleep 0.2\ncat ${join(dir, 'lines.txt')}\nexec sleep 60\n`);
    chmodSync(script, 0o755);
    return { command: script, args: [] };
  }

  function sysfs(name: string, files: Record<string, string>) {
    mkdirSync(join(dir, 'net', name), { recursive: true });
    for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, 'net', name, file), content);
  }

  it('reports each configured interface from the snapshot, then its changes from the monitor, with its role', async () => {
    // Prepare
    sysfs('veth0', { operstate: 'up\n', carrier: '1\n', flags: '0x1003\n' });
    const downLine = recorded.find((l) => l.startsWith('4: veth0@veth1: <BROADCAST,MULTICAST> '))!;
    const otherLine = recorded[0]!;
    const source = new LinkSource(
      {
        interfaces: [{ name: 'veth0', role: 'data' }],
        damping: { halfLifeMs: 1000, suppressAbove: 2500, reuseBelow: 800, maxSuppressMs: 10_000 },
      },
      silentLogger,
      { sysClassNet: join(dir, 'net'), monitor: monitorPrinting([otherLine, downLine]) },
    );
    const reports: Report[] = [];

    // Act
    await source.start((report) => reports.push(report));
    await new Promise((resolve) => setTimeout(resolve, 600));
    await source.stop();

    // Assess
    expect(reports.map((r) => r.detail)).toEqual([
      { interface: 'veth0', state: 'up', carrier: true, role: 'data', observedAt: expect.any(String) },
      { interface: 'veth0', state: 'down', carrier: false, role: 'data', observedAt: expect.any(String) },
    ]);
    expect(reports.every((r) => r.detailType === 'link.state')).toBe(true);
  });
});
