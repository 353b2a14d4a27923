import { connect, createServer, type NetConnectOpts, type Server, type Socket } from 'node:net';
import type { CollectorConfig } from '../config';
import type { CollectorLogger } from '../logger';
import { now, type Emit, type Source } from '../report';
import { PeerWindow, type PeerVerdict } from './peer-window';

type PeersConfig = NonNullable<CollectorConfig['peers']>;
type Target = PeersConfig['targets'][number];

/**
 * Peer reachability by TCP handshake: every intervalMs, a connection attempt to each peer's
 * probe port. The peer's kernel answers it, accepting (its collector listens there) or
 * refusing (no collector running): either way the host is alive, so a collector restarted
 * for an upgrade, or started after its observers, is never taken for a dead host. Only
 * silence (no answer within the interval) or an unreachable network is a lost probe.
 * Reports on change (and every refreshS, so the correlator's observer votes stay fresh);
 * probe results themselves stay on the host. A dead host cannot report its own death:
 * its peers do, and the correlator needs a quorum of them.
 */
export class PeerSource implements Source {
  readonly name = 'peers';
  private server: Server | undefined;
  private readonly windows = new Map<string, PeerWindow>();
  private readonly outstanding = new Map<string, Socket>();
  private timers: NodeJS.Timeout[] = [];
  private emit: Emit = () => undefined;

  constructor(
    private readonly config: PeersConfig,
    private readonly logger: CollectorLogger,
    private readonly dial: (options: NetConnectOpts) => Socket = connect,
  ) {
    for (const target of config.targets) this.windows.set(target.host, new PeerWindow(config));
  }

  /** The bound probe port (useful when configured as 0). */
  get port(): number {
    const address = this.server?.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  async start(emit: Emit): Promise<void> {
    this.emit = emit;
    // Accept and close at once: the handshake is the answer.
    const server = createServer((socket) => socket.destroy());
    this.server = server;
    server.on('error', (error) => this.logger.error('peer probe listener', { error: error.message }));
    await new Promise<void>((resolve) => server.listen(this.config.listen.port, this.config.listen.address, resolve));
    this.timers.push(setInterval(() => this.tick(), this.config.intervalMs));
    this.timers.push(setInterval(() => this.refresh(), this.config.refreshS * 1000));
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    for (const socket of this.outstanding.values()) socket.destroy();
    this.outstanding.clear();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private tick(): void {
    for (const target of this.config.targets) {
      // Still unanswered after a whole interval: lost.
      const pending = this.outstanding.get(target.host);
      if (pending) {
        pending.destroy();
        this.outstanding.delete(target.host);
        this.record(target.host, false);
      }
      this.probe(target);
    }
  }

  private probe(target: Target): void {
    const startedAt = performance.now();
    const socket = this.dial({ host: target.address, port: target.port });
    this.outstanding.set(target.host, socket);
    const settle = (answered: boolean) => {
      if (this.outstanding.get(target.host) !== socket) return;
      this.outstanding.delete(target.host);
      socket.destroy();
      this.record(target.host, answered, performance.now() - startedAt);
    };
    socket.once('connect', () => settle(true));
    socket.once('error', (error: NodeJS.ErrnoException) => settle(error.code === 'ECONNREFUSED'));
  }

  private record(peer: string, answered: boolean, rttMs?: number): void {
    const verdict = this.windows.get(peer)?.record(answered, answered ? rttMs : undefined);
    if (verdict) this.report(peer, verdict);
  }

  private refresh(): void {
    for (const [peer, window] of this.windows) {
      const verdict = window.current();
      if (verdict) this.report(peer, verdict);
    }
  }

  private report(peer: string, verdict: PeerVerdict): void {
    const rttMs = verdict.rttMs === null ? null : Math.round(verdict.rttMs * 100) / 100;
    this.emit({ detailType: 'peer.reachability', detail: { peer, ...verdict, rttMs, observedAt: now() } });
  }
}
