import { Command } from 'commander';
import { perceivedSeverity, type Alarm, type PerceivedSeverity } from '../../contracts/etsi-alarm';
import type { HostSummary } from '../../inventory/inventory';
import { stageNames } from '../../platform/stage-names';
import { alarmList, hostOf } from './alarms';
import type { ApiClient } from './api-client';
import { withAws } from './aws-failure';
import type { CommandKit, HostLister } from './command-kit';
import { print, table, type Output } from './render';
import { readSettings } from './settings';

/** A host as `nfvi-doctor hosts` reports it: the inventory's view and the host's active faults. */
export interface HostState extends HostSummary {
  activeFaults: { alarmId: string; faultType: string; perceivedSeverity: PerceivedSeverity }[];
  highestSeverity: PerceivedSeverity | null;
}

/** The ETSI enumeration lists severities from the most severe down. */
const severer = (a: PerceivedSeverity, b: PerceivedSeverity) =>
  perceivedSeverity.options.indexOf(a) <= perceivedSeverity.options.indexOf(b) ? a : b;

/** Hosts listed in the inventory or only in an alarm (a host the inventory has not seen). */
export function hostStates(hosts: HostSummary[], alarms: Alarm[]): HostState[] {
  const byHost = new Map<string, HostState>(
    hosts.map((h) => [h.host, { ...h, activeFaults: [], highestSeverity: null }]),
  );
  for (const alarm of alarms) {
    const host = hostOf(alarm);
    const state = byHost.get(host) ?? {
      host,
      instances: 0,
      tenants: [],
      inMaintenance: false,
      activeFaults: [],
      highestSeverity: null,
    };
    byHost.set(host, state);
    state.activeFaults.push({
      alarmId: alarm.id,
      faultType: alarm.faultType,
      perceivedSeverity: alarm.perceivedSeverity,
    });
    state.highestSeverity = state.highestSeverity
      ? severer(state.highestSeverity, alarm.perceivedSeverity)
      : alarm.perceivedSeverity;
  }
  return [...byHost.values()].sort((a, b) => a.host.localeCompare(b.host));
}

const TENANTS_SHOWN = 3;

const tenantsCell = (tenants: string[]) =>
  tenants.length > TENANTS_SHOWN
    ? [...tenants.slice(0, TENANTS_SHOWN), `+${tenants.length - TENANTS_SHOWN} more`].join('\n')
    : tenants.join('\n');

const hostTable = (states: HostState[]): string =>
  states.length === 0
    ? 'no hosts in the inventory'
    : table(
        ['host', 'instances', 'tenants', 'in maintenance', 'active faults', 'severity'],
        states.map((s) => [
          s.host,
          s.instances,
          tenantsCell(s.tenants),
          s.inMaintenance ? 'yes' : 'no',
          [...new Set(s.activeFaults.map((f) => f.faultType))].join('\n'),
          s.highestSeverity ?? '',
        ]),
      );

/**
 * `nfvi-doctor hosts`: every host of the inventory with its instances, tenants and maintenance
 * mark, and the faults the administrator's active alarms report on it.
 */
export async function showHosts(inventory: HostLister, api: ApiClient, output: Output): Promise<void> {
  const [hosts, alarms] = await Promise.all([
    inventory.listHosts(),
    api.get('/v1/alarms', alarmList, { state: 'active' }),
  ]);
  print(output, hostStates(hosts, alarms), hostTable);
}

/** `hosts` reads the stage's inventory table as well as the API: it needs both settings. */
export function hostsCommand({ context, globals, apiClient, output }: CommandKit): Command {
  return new Command('hosts')
    .description('every host: instances, tenants, maintenance mark and active faults')
    .action(async (_options, command: Command) => {
      const local = globals(command).local === true;
      const { api, stage } = readSettings(context.env, local, ['api', 'stage']);
      const { inventoryTable } = stageNames(stage);
      const inventory = context.adapters.inventory({ stage, local });
      await showHosts(
        { listHosts: () => withAws(`the inventory table ${inventoryTable}`, () => inventory.listHosts()) },
        apiClient(api),
        output(command),
      );
    });
}
