import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watchBus } from '../../infra/local/bus-watcher';
import { createLab, DATA_IF, type LabHost } from '../../infra/local/netns-lab';
import { DynamoDbFaultStore } from '../../lib/adapters/dynamodb/dynamodb-fault-store';
import { COLLECTOR_SOURCE } from '../../lib/contracts/bus-events';
import { alarmClearedNotification, alarmNotification } from '../../lib/contracts/etsi-alarm';
import { awsClients } from '../../lib/platform/aws-clients';
import { config } from '../../lib/platform/config';
import { localPorts } from '../../lib/platform/local-stack/local-endpoints';
import { createWorld, sleep } from '../support/world';
import { expectThat, until, type Scenario } from './scenario';

const SIZES = {
  full: { awayS: 600, everyMs: 5000 },
  ci: { awayS: 20, everyMs: 2000 },
};

/**
 * 5. The bus away. A host's collector (the shipped daemon, in a network namespace) loses its way
 * to EventBridge (its packets to the bus dropped) while its data link goes down and up again and
 * again: every report waits in its spool, and when the way is back the spool reaches the bus in
 * seq order, none missing; the tenant hears of each alarm once at most, and the link ends in its
 * last state.
 */
export const busAway: Scenario = {
  id: 'bus-away',
  title: 'The bus away',
  proves:
    'a collector that cannot reach EventBridge keeps every report in its spool and delivers them in order when the bus returns: none lost, no alarm raised twice, the final state right',
  async run(scale) {
    const size = SIZES[scale];
    const world = await createWorld({ 'rel5-a': [{ name: 'vm', tenant: 'epc' }], 'rel5-b': [] });
    const workDir = mkdtempSync(join(tmpdir(), 'nfvi-rel5-'));
    const lab = await createLab(['rel5-a', 'rel5-b'].map(world.host), 'reliability');
    const bus = await watchBus();
    try {
      const [cut, peer] = lab.hosts as [LabHost, LabHost];
      for (const host of lab.hosts) await lab.startCollector(host, workDir);
      await lab.watched();
      const collectorId = `${cut.name}/collector`;
      const seqsOnBus = () =>
        bus.entries
          .filter((e) => e.Source === COLLECTOR_SOURCE)
          .map((e) => JSON.parse(e.Detail) as { collectorId: string; seq: number })
          .filter((d) => d.collectorId === collectorId)
          .map((d) => d.seq);
      const spooled = () => readdirSync(join(workDir, cut.name, 'spool')).filter((f) => /^\d+\.json$/.test(f)).length;

      // Cut off: the bus's packets from this host are dropped, as in a partition (no refusal to notice).
      const rule = [
        'OUTPUT',
        '-p',
        'tcp',
        '-d',
        lab.gateway,
        '--dport',
        String(localPorts().eventBridge),
        '-j',
        'DROP',
      ];
      await lab.iptables(cut, '-A', ...rule);
      const cutAt = Date.now();
      const lastSeqBefore = Math.max(0, ...seqsOnBus());
      let downs = 0;
      let down = false;
      while (Date.now() - cutAt < size.awayS * 1000) {
        down = !down;
        if (down) downs += 1;
        await lab.ip(cut, 'link', 'set', DATA_IF, down ? 'down' : 'up');
        await sleep(size.everyMs);
      }
      if (down) await lab.ip(cut, 'link', 'set', DATA_IF, 'up');
      await sleep(1000);
      const spooledWhileAway = spooled();
      const seqsWhileAway = seqsOnBus().filter((s) => s > lastSeqBefore).length;

      await lab.iptables(cut, '-D', ...rule);
      const backAt = Date.now();
      const drained = await until(() => spooled() === 0, 120_000, 100);
      const drainedS = (Date.now() - backAt) / 1000;

      const seqs = seqsOnBus();
      const firstSeen = seqs.filter((s, i) => seqs.indexOf(s) === i);
      // A collector's seqs start where its clock says (so a new spool never reuses one) and then count up.
      const lowest = Math.min(...firstSeen);
      const missing = Array.from({ length: Math.max(...firstSeen) - lowest + 1 }, (_, i) => lowest + i).filter(
        (s) => !firstSeen.includes(s),
      );
      const outOfOrder = firstSeen.filter((s, i) => i > 0 && s < (firstSeen[i - 1] as number)).length;

      const faults = new DynamoDbFaultStore(awsClients().dynamo, config().alarmsTable);
      const settled = await until(async () => {
        const record = await faults.get(cut.name, `link:${DATA_IF}`);
        return record?.status === 'CLEARED' && record.publishedSeq >= record.transitionSeq;
      }, 60_000);
      await sleep(2000);
      const toTenant = world.subscriber.from('epc');
      const raised = toTenant.flatMap((m) => alarmNotification.safeParse(m.message).data?.alarm.id ?? []);
      const cleared = toTenant.flatMap((m) => alarmClearedNotification.safeParse(m.message).data?.alarmId ?? []);
      const raisedTwice = raised.length - new Set(raised).size;
      const unclear = raised.filter((id) => !cleared.includes(id)).length;
      const peerDown = world.subscriber
        .from('admin')
        .filter((m) => m.attributes.host === cut.name || m.attributes.host === peer.name)
        .filter((m) => alarmNotification.safeParse(m.message).data?.alarm.faultType === 'compute.host.down').length;

      const failures: string[] = [];
      expectThat(failures, seqsWhileAway === 0, `${seqsWhileAway} reports reached the bus while it was cut off`);
      expectThat(
        failures,
        spooledWhileAway >= downs * 2,
        `only ${spooledWhileAway} reports were spooled for ${downs * 2} link changes`,
      );
      expectThat(failures, drained, 'the spool never emptied after the bus came back');
      expectThat(
        failures,
        missing.length === 0,
        `${missing.length} reports never reached the bus (e.g. seq ${missing[0]})`,
      );
      expectThat(failures, outOfOrder === 0, `${outOfOrder} reports reached the bus before an older one`);
      expectThat(failures, raisedTwice === 0, `${raisedTwice} alarms were raised twice`);
      expectThat(failures, raised.length >= 1, 'the tenant was never told of the link going down');
      expectThat(failures, settled && unclear === 0, `the link did not end up (${unclear} alarms left raised)`);
      expectThat(failures, peerDown === 0, 'a host was taken for down though only its way to the bus was cut');
      return {
        figures: {
          'cut off s': size.awayS,
          'link changes': downs * 2,
          'reports spooled': spooledWhileAway,
          'spool delivered after s': Math.round(drainedS * 10) / 10,
          'reports on the bus': firstSeen.length,
          lost: missing.length,
          'out of order': outOfOrder,
          'alarms raised': raised.length,
          'raised twice': raisedTwice,
        },
        failures,
      };
    } finally {
      bus.close();
      await lab.destroy();
      await world.close();
      rmSync(workDir, { recursive: true, force: true });
    }
  },
};
