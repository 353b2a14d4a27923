import { Socket } from 'node:net';
import { PeerSource } from '../../../lib/monitor/peers/peer-source';
import { PeerWindow } from '../../../lib/monitor/peers/peer-window';
import type { Report, ReportOf } from '../../../lib/monitor/report';

const settings = { downAfter: 3, upAfter: 2, window: 10 };
const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('Peer window: what one observer concludes from its probes', () => {
  const feed = (window: PeerWindow, probes: string) =>
    [...probes].map((p) => window.record(p === '+', p === '+' ? 0.5 : undefined)).filter(Boolean);

  it('calls a peer reachable after enough answers, and says so once', () => {
    expect(feed(new PeerWindow(settings), '+++++')).toEqual([{ reachable: true, lossPct: 0, rttMs: 0.5 }]);
  });

  it('calls a peer unreachable after consecutive lost probes, with the loss over the window', () => {
    const window = new PeerWindow(settings);
    feed(window, '+++++++');
    expect(feed(window, '---')).toEqual([{ reachable: false, lossPct: 30, rttMs: null }]);
  });

  it('keeps a peer with scattered loss (10%) reachable', () => {
    const window = new PeerWindow(settings);
    const verdicts = feed(window, '++' + '+++++++++-'.repeat(20));
    expect(verdicts).toEqual([{ reachable: true, lossPct: 0, rttMs: 0.5 }]);
    expect(window.current()).toEqual({ reachable: true, lossPct: 10, rttMs: 0.5 });
  });

  it('has no verdict before the first one is reached', () => {
    const window = new PeerWindow(settings);
    feed(window, '+');
    expect(window.current()).toBeUndefined();
  });
});

describe('Peer source over TCP', () => {
  const sources: PeerSource[] = [];
  afterEach(async () => {
    await Promise.all(sources.splice(0).map((s) => s.stop()));
  });

  const peersConfig = (targets: { host: string; address?: string; port: number }[]) => ({
    listen: { address: '127.0.0.1', port: 0 },
    intervalMs: 20,
    downAfter: 3,
    upAfter: 2,
    window: 20,
    refreshS: 3600,
    targets: targets.map((t) => ({ address: '127.0.0.1', ...t })),
  });

  const until = async (condition: () => boolean, timeoutMs = 5000) => {
    const end = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > end) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  async function observer(targets: { host: string; address?: string; port: number }[], dial?: () => Socket) {
    const source = new PeerSource(peersConfig(targets), silentLogger, dial);
    sources.push(source);
    const reports: ReportOf<'peer.reachability'>[] = [];
    await source.start((r: Report) => r.detailType === 'peer.reachability' && reports.push(r));
    return reports;
  }

  it('reports a peer whose collector answers as reachable, with its round-trip time', async () => {
    const peer = new PeerSource(peersConfig([{ host: 'host-a', port: 9 }]), silentLogger);
    sources.push(peer);
    await peer.start(() => undefined);
    const reports = await observer([{ host: 'host-b', port: peer.port }]);
    await until(() => reports.length === 1);
    expect(reports[0]!.detail).toMatchObject({
      peer: 'host-b',
      reachable: true,
      lossPct: 0,
      rttMs: expect.any(Number),
    });
  });

  it('keeps a peer reachable when its host answers but its collector is stopped (no false host-down on restarts)', async () => {
    // Prepare
    const peer = new PeerSource(peersConfig([{ host: 'host-a', port: 9 }]), silentLogger);
    await peer.start(() => undefined);
    const reports = await observer([{ host: 'host-b', port: peer.port }]);
    await until(() => reports.length === 1);

    // Act: the kernel now refuses the probes
    await peer.stop();
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Assess
    expect(reports.map((r) => r.detail.reachable)).toEqual([true]);
  });

  it('reports a peer that does not answer at all as unreachable', async () => {
    // A connection attempt that never completes: what a dead host (or a cut link) gives.
    const reports = await observer([{ host: 'host-c', port: 7946 }], () => new Socket());
    await until(() => reports.length === 1);
    expect(reports[0]!.detail).toMatchObject({ peer: 'host-c', reachable: false, rttMs: null });
  });
});
