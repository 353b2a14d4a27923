import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeartbeatSource } from '../../../lib/monitor/heartbeat-source';
import { HypervisorSource } from '../../../lib/monitor/hypervisor-source';
import type { Report } from '../../../lib/monitor/report';

const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nfvi-host-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('Heartbeat source', () => {
  it('reports the boot id and uptime at start', async () => {
    writeFileSync(join(dir, 'boot_id'), '1f0c2a8e-9f4b-4b7e-8d55-3f9a2b1c0d11\n');
    writeFileSync(join(dir, 'uptime'), '3600.52 7000.10\n');
    const source = new HeartbeatSource(
      { intervalS: 3600, bootIdFile: join(dir, 'boot_id'), uptimeFile: join(dir, 'uptime') },
      silentLogger,
    );
    const reports: Report[] = [];
    await source.start((r) => reports.push(r));
    await source.stop();
    expect(reports).toEqual([
      {
        detailType: 'host.heartbeat',
        detail: { bootId: '1f0c2a8e-9f4b-4b7e-8d55-3f9a2b1c0d11', uptimeS: 3600.52, observedAt: expect.any(String) },
      },
    ]);
  });

  it('reads this machine’s real /proc files', async () => {
    const source = new HeartbeatSource(
      { intervalS: 3600, bootIdFile: '/proc/sys/kernel/random/boot_id', uptimeFile: '/proc/uptime' },
      silentLogger,
    );
    const reports: Report[] = [];
    await source.start((r) => reports.push(r));
    await source.stop();
    expect(reports[0]?.detail).toMatchObject({ bootId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });
});

describe('Hypervisor source', () => {
  const running = (pid: number, comm: string) => {
    mkdirSync(join(dir, String(pid)), { recursive: true });
    writeFileSync(join(dir, String(pid), 'comm'), `${comm}\n`);
  };

  it('reports each watched process up or down at start, then only its changes', async () => {
    // Prepare
    running(101, 'libvirtd');
    running(202, 'bash');
    mkdirSync(join(dir, 'sys'));
    const source = new HypervisorSource(
      { processes: ['libvirtd', 'nova-compute'], intervalMs: 20, procDir: dir },
      silentLogger,
    );
    const reports: Report[] = [];
    await source.start((r) => reports.push(r));

    // Act
    running(303, 'nova-compute');
    rmSync(join(dir, '101'), { recursive: true });
    await new Promise((resolve) => setTimeout(resolve, 150));
    await source.stop();

    // Assess
    expect(reports.map((r) => r.detail)).toEqual([
      { process: 'libvirtd', state: 'up', observedAt: expect.any(String) },
      { process: 'nova-compute', state: 'down', observedAt: expect.any(String) },
      { process: 'libvirtd', state: 'down', observedAt: expect.any(String) },
      { process: 'nova-compute', state: 'up', observedAt: expect.any(String) },
    ]);
  });
});
