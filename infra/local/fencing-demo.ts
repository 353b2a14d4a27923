import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { FaultInjector } from '../../lib/adapters/eventbridge/fault-injector';
import { type RecoveryNotification } from '../../lib/contracts/recovery-notification';
import { awsClients } from '../../lib/platform/aws-clients';
import { config } from '../../lib/platform/config';
import { TERMINAL_STATES } from '../../lib/recovery/recovery';
import { localBmcs, startIpmiSim, type IpmiSim } from '../../test/support/ipmi-sim';
import { callApi, type LocalCloud } from './local-cloud';
import { MGMT_IF, type NetnsLab } from './netns-lab';
import type { SnsHttpSubscriber } from './sns-http-subscriber';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const OBSERVERS = ['demo-observer-1', 'demo-observer-2'];

export interface FencingDemo {
  cloud: LocalCloud;
  /** The host that dies. */
  host: string;
  /** The tenant whose policy is evacuate (the other tenants stay notify-only). */
  tenant: string;
  /** The demo consumer, subscribed to `subscription` (the tenant's topic) and printing every delivery. */
  consumer: SnsHttpSubscriber;
  subscription: string;
  /** The network-namespace lab, when it runs: its collectors watch the host, so it dies for real there. */
  lab?: NetnsLab;
  onInject: () => void;
  say: (line?: string) => void;
}

/** Whether OpenIPMI's BMC simulator and ipmitool are installed (Debian: openipmi, ipmitool). */
export async function canRunBmc(): Promise<boolean> {
  const found = (command: string) =>
    promisify(execFile)('sh', ['-c', `command -v ${command}`]).then(
      () => true,
      () => false,
    );
  return (await found('ipmi_sim')) && (await found('ipmitool'));
}

/**
 * `npm start`, a host's death: its peers' quorum confirms it dead, the fencer powers it off
 * through a real IPMI BMC (ipmi_sim) and its alarm says so, and the tenant whose recovery policy
 * is evacuate gets its instances back ACTIVE on other hosts after a 3 s grace period; the other
 * tenants' (notify-only) stay. Then the host is repaired and comes back.
 */
export async function runFencingDemo(demo: FencingDemo): Promise<void> {
  const { cloud, host, say, consumer } = demo;
  const nova = cloud.nova();
  const injector = new FaultInjector(awsClients().eventBridge, config().eventBusName, 'demo-peers');
  const tenantToken = await cloud.memberToken('tenant-a');
  let bmc: IpmiSim | undefined;
  const labHost = demo.lab?.hosts.find((h) => h.name === host);
  /**
   * In the lab the host's management link goes down and its peers' collectors see it; without the
   * lab two observers' votes are put on the bus as collectors would.
   */
  const setReachable = async (reachable: boolean) => {
    if (!reachable) demo.onInject();
    if (demo.lab && labHost) {
      say(`  ip netns exec ${labHost.namespace} ip link set ${MGMT_IF} ${reachable ? 'up' : 'down'} ...`);
      await demo.lab.ip(labHost, 'link', 'set', MGMT_IF, reachable ? 'up' : 'down');
    } else {
      say(
        `  ${OBSERVERS.join(' and ')} report ${host} ${reachable ? 'reachable' : 'unreachable'} (peer.reachability) ...`,
      );
      await injector.put(injector.peerVotes(host, OBSERVERS, reachable));
    }
  };
  try {
    bmc = await startIpmiSim();
    localBmcs.use({ [host]: bmc });
    await callApi('PUT', '/v1/recovery-policy', tenantToken, { policy: 'evacuate', graceS: 3 });
    say(
      `  ${host}'s BMC: ipmi_sim on udp 127.0.0.1:${bmc.port}; tenant ${demo.tenant}: PUT /v1/recovery-policy {policy: evacuate, graceS: 3}`,
    );
    const before = consumer.from(demo.subscription).length;
    await setReachable(false);
    const deadline = Date.now() + 120_000;
    const done = () =>
      consumer
        .from(demo.subscription)
        .slice(before)
        .some((m) => {
          const state = (m.message as unknown as RecoveryNotification).recovery?.state;
          return state !== undefined && TERMINAL_STATES.includes(state);
        });
    while (!done() && Date.now() < deadline) await sleep(250);
    say(`  ${host}'s chassis power, as ipmi_sim has it: ${bmc.chassisPower()}`);
    for (const s of await nova.listServers())
      if (s.name.startsWith('demo-')) say(`  Nova: ${s.name} on ${s.host} (${s.status})`);
    if (!done()) say('  the recovery did not end within 120 s (see .local/offline.log)');
  } finally {
    // Left dead, the host would keep the next run from starting cleanly.
    say(`  ${host} is repaired and boots again (its nova-compute restarted), its peers reach it ...`);
    await setReachable(true);
    if ((await cloud.computeService(host)).forcedDown) await cloud.returnHost(host);
    await sleep(2000);
    await callApi('PUT', '/v1/recovery-policy', tenantToken, { policy: 'notify-only' }).catch(() => undefined);
    localBmcs.forget();
    await bmc?.stop();
  }
}
