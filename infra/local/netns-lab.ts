import { build } from 'esbuild';
import { execFile, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { connect, createServer as createNetServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDbPeerVotes } from '../../lib/adapters/dynamodb/dynamodb-peer-votes';
import type { CollectorConfig } from '../../lib/monitor/config';
import { awsClients } from '../../lib/platform/aws-clients';
import { config } from '../../lib/platform/config';
import { localPorts } from '../../lib/platform/local-stack/local-endpoints';
import { PDEATHSIG, PROJECT_ROOT } from './stack';

const run = promisify(execFile);

/**
 * Doctor's fault-injection bed on one machine: compute hosts as Linux network namespaces,
 * each with a management and a data interface on two bridges (in a namespace of their own),
 * and the root namespace on the management bridge so that collectors reach the local
 * event bus. Needs root and iproute2; packet loss uses iptables' statistic match inside a
 * host (the kernel here has no netem).
 */
export interface LabHost {
  /** The host name the collector reports (the inventory's host). */
  name: string;
  namespace: string;
  mgmtAddress: string;
  dataAddress: string;
}

export interface NetnsLab {
  hosts: LabHost[];
  /** The root namespace's address on the management bridge: where the bus is reached. */
  gateway: string;
  /** Runs `ip <args>` inside a host's namespace, e.g. ['link', 'set', 'data0', 'down']. */
  ip(host: LabHost, ...args: string[]): Promise<void>;
  iptables(host: LabHost, ...args: string[]): Promise<void>;
  /**
   * Starts a collector inside the host's namespace, reporting to the local bus; its spool is
   * `<workDir>/<host>/spool` (kept across restarts), its configuration and log in `<workDir>/logs`.
   */
  startCollector(host: LabHost, workDir: string): Promise<LabCollector>;
  /** Resolves once every host is reported reachable by all its peers: the collectors are probing. */
  watched(timeoutMs?: number): Promise<void>;
  destroy(): Promise<void>;
}

export interface LabCollector {
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Who builds a lab: each has its own namespaces, veth and subnet, so that a test's lab and the
 * demo's (or the campaign's) can exist at once and removing one leaves the others.
 */
export type LabOwner = 'demo' | 'test' | 'reliability' | 'bench';
const SUBNETS: Record<LabOwner, string> = {
  demo: '10.231',
  test: '10.232',
  reliability: '10.233',
  bench: '10.234',
};
const prefixOf = (owner: LabOwner) => `nfvi-${owner.slice(0, 5)}`;

export const MGMT_IF = 'mgmt0';
export const DATA_IF = 'data0';
export const PROBE_PORT = 7946;

const sh = async (...args: string[]) => {
  await run(args[0] as string, args.slice(1));
};

/** Removes whatever a previous lab of this owner left (namespaces and veths outlive their creator). */
export async function destroyLab(owner: LabOwner): Promise<void> {
  const prefix = prefixOf(owner);
  const { stdout } = await run('ip', ['netns', 'list']);
  const namespaces = stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(`${prefix}-`));
  for (const ns of namespaces) await sh('ip', 'netns', 'del', ns).catch(() => undefined);
  await sh('ip', 'link', 'del', `${prefix}0`).catch(() => undefined);
}

/** Builds a lab of `hostNames.length` hosts (at most 200), replacing the owner's previous one. */
export async function createLab(hostNames: string[], owner: LabOwner): Promise<NetnsLab> {
  await destroyLab(owner);
  const prefix = prefixOf(owner);
  const subnet = SUBNETS[owner];
  const BRIDGE_NS = `${prefix}-net`;
  const ROOT_VETH = `${prefix}0`;
  const gateway = `${subnet}.0.1`;
  await sh('ip', 'netns', 'add', BRIDGE_NS);
  const inBridgeNs = (...args: string[]) => sh('ip', '-n', BRIDGE_NS, ...args);
  for (const bridge of ['br-mgmt', 'br-data']) {
    await inBridgeNs('link', 'add', bridge, 'type', 'bridge');
    await inBridgeNs('link', 'set', bridge, 'up');
  }
  await sh('ip', 'link', 'add', ROOT_VETH, 'type', 'veth', 'peer', 'name', 'root-mgmt', 'netns', BRIDGE_NS);
  await inBridgeNs('link', 'set', 'root-mgmt', 'master', 'br-mgmt', 'up');
  await sh('ip', 'addr', 'add', `${gateway}/24`, 'dev', ROOT_VETH);
  await sh('ip', 'link', 'set', ROOT_VETH, 'up');

  const hosts = hostNames.map((name, i) => ({
    name,
    namespace: `${prefix}-h${i + 1}`,
    mgmtAddress: `${subnet}.0.${i + 11}`,
    dataAddress: `${subnet}.1.${i + 11}`,
  }));
  for (const [i, host] of hosts.entries()) {
    const ns = host.namespace;
    await sh('ip', 'netns', 'add', ns);
    await sh('ip', '-n', ns, 'link', 'set', 'lo', 'up');
    for (const [dev, bridge, address] of [
      [MGMT_IF, 'br-mgmt', host.mgmtAddress],
      [DATA_IF, 'br-data', host.dataAddress],
    ] as const) {
      const port = `h${i + 1}-${dev.slice(0, 4)}`;
      await sh('ip', '-n', ns, 'link', 'add', dev, 'type', 'veth', 'peer', 'name', port, 'netns', BRIDGE_NS);
      await inBridgeNs('link', 'set', port, 'master', bridge, 'up');
      await sh('ip', '-n', ns, 'addr', 'add', `${address}/24`, 'dev', dev);
      await sh('ip', '-n', ns, 'link', 'set', dev, 'up');
    }
  }

  // The bus listens on the loopback only; the hosts reach it on the gateway, as a VPC endpoint.
  const busEndpoint = await forward(gateway, localPorts().eventBridge);
  const bundle = await collectorBundle();
  const collectors = new Set<LabCollector>();
  const lab: NetnsLab = {
    hosts,
    gateway,
    ip: (host, ...args) => sh('ip', '-n', host.namespace, ...args),
    iptables: (host, ...args) => sh('ip', 'netns', 'exec', host.namespace, 'iptables', ...args),
    async startCollector(host, workDir) {
      const logDir = join(workDir, 'logs');
      mkdirSync(logDir, { recursive: true });
      const configFile = join(logDir, `${host.name}.json`);
      writeFileSync(
        configFile,
        JSON.stringify(labCollectorConfig(lab, host, join(workDir, host.name, 'spool')), null, 2),
      );
      const log = openSync(join(logDir, `${host.name}.log`), 'a');
      // Each collector dies with this process, whatever ends it, as the stack's processes do.
      const argv: string[] = [
        ...PDEATHSIG,
        'ip',
        'netns',
        'exec',
        host.namespace,
        process.execPath,
        bundle,
        '--config',
        configFile,
      ];
      const child = spawn(argv[0] as string, argv.slice(1), {
        cwd: PROJECT_ROOT,
        stdio: ['ignore', log, log],
      });
      closeSync(log);
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const collector: LabCollector = {
        async stop(signal = 'SIGTERM') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
          collectors.delete(collector);
        },
      };
      collectors.add(collector);
      return collector;
    },
    async watched(timeoutMs = 30_000) {
      const votes = new DynamoDbPeerVotes(awsClients().dynamo, config().peerVotesTable);
      const deadline = Date.now() + timeoutMs;
      for (const host of hosts) {
        while ((await votes.votes(host.name)).filter((v) => v.reachable).length < hosts.length - 1) {
          if (Date.now() > deadline) throw new Error(`the peers of ${host.name} never reported it reachable`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    },
    async destroy() {
      await busEndpoint.close();
      await Promise.all([...collectors].map((c) => c.stop('SIGKILL')));
      await destroyLab(owner);
    },
  };
  return lab;
}

const BUNDLE = join(PROJECT_ROOT, '.local', 'nfvi-collector.cjs');

/**
 * The collector daemon as shipped: the same single-file bundle as `npm run build:collector`
 * (the `nfvi-collector` bin), built once per lab from the current sources.
 */
async function collectorBundle(): Promise<string> {
  await build({
    entryPoints: [join(PROJECT_ROOT, 'lib', 'products', 'nfvi-collector', 'main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    outfile: BUNDLE,
    logLevel: 'warning',
  });
  return BUNDLE;
}

/** A lab host's collector configuration: its two links, its lab peers, the local bus. */
function labCollectorConfig(lab: NetnsLab, host: LabHost, spoolDir: string): CollectorConfig {
  return {
    host: host.name,
    collectorId: `${host.name}/collector`,
    bus: {
      name: config().eventBusName,
      region: 'us-east-1',
      endpoint: `http://${lab.gateway}:${localPorts().eventBridge}`,
      // Short backoff: a lab host whose management link comes back delivers its spool at once.
      retry: { baseMs: 100, maxMs: 1000 },
    },
    spool: { dir: spoolDir, fsync: true },
    heartbeat: { intervalS: 30, bootIdFile: '/proc/sys/kernel/random/boot_id', uptimeFile: '/proc/uptime' },
    link: {
      interfaces: [
        { name: MGMT_IF, role: 'management' },
        { name: DATA_IF, role: 'data' },
      ],
      damping: { halfLifeMs: 1000, suppressAbove: 2500, reuseBelow: 800, maxSuppressMs: 10_000 },
    },
    peers: {
      listen: { address: '0.0.0.0', port: PROBE_PORT },
      intervalMs: 100,
      downAfter: 3,
      upAfter: 3,
      window: 50,
      refreshS: 30,
      targets: lab.hosts
        .filter((peer) => peer !== host)
        .map((peer) => ({ host: peer.name, address: peer.mgmtAddress, port: PROBE_PORT })),
    },
  };
}

/** Relays TCP connections to `address:port` on to the same port on the loopback interface. */
async function forward(address: string, port: number): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createNetServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, address, () => done());
  });
  return {
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}
