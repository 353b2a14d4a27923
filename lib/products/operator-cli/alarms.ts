import { Command, Option } from 'commander';
import { z } from 'zod';
import { alarm, perceivedSeverity, type Alarm } from '../../contracts/etsi-alarm';
import { alarmQuery } from '../../notifier/alarm-query';
import type { ApiClient } from './api-client';
import { CliError, UsageError } from './cli-error';
import type { CommandKit } from './command-kit';
import { print, shortId, table, time, type Output } from './render';

/** `GET /v1/alarms`. */
export const alarmList = z.array(alarm);

/** `PATCH /v1/alarms/{id}`. */
const acknowledged = z.object({ ackState: alarm.shape.ackState });

export interface AlarmFilters {
  tenant?: string;
  resource?: string;
  faultType?: string;
  minSeverity?: string;
  since?: string;
  until?: string;
  /** Cleared alarms too. */
  all?: boolean;
}

/** The option each query parameter comes from, to name it in a usage error. */
const optionOf: Record<string, string> = {
  tenantId: '--tenant',
  resourceId: '--resource',
  faultType: '--fault-type',
  minSeverity: '--min-severity',
  since: '--since',
  until: '--until',
};

/** The query, checked by the API's own schema so that a wrong option fails before any call. */
function queryOf(filters: AlarmFilters): Record<string, string | undefined> {
  const parsed = alarmQuery.safeParse({
    tenantId: filters.tenant,
    resourceId: filters.resource,
    faultType: filters.faultType,
    minSeverity: filters.minSeverity,
    since: filters.since,
    until: filters.until,
    state: filters.all ? 'all' : 'active',
  });
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const name = String(issue?.path[0] ?? '');
    throw new UsageError(`${optionOf[name] ?? name}: ${issue?.message}`);
  }
  return parsed.data;
}

export const hostOf = (a: Alarm): string => a.rootCauseFaultyResource.faultyResource.resourceId;

const alarmTable = (alarms: Alarm[]): string =>
  alarms.length === 0
    ? 'no alarms'
    : table(
        ['id', 'severity', 'fault type', 'resource', 'host', 'raised', 'cleared', 'ack'],
        alarms.map((a) => [
          shortId(a.id),
          a.perceivedSeverity,
          a.faultType,
          a.managedObjectId,
          hostOf(a),
          time(a.alarmRaisedTime),
          time(a.alarmClearedTime),
          a.ackState === 'ACKNOWLEDGED' ? 'yes' : 'no',
        ]),
      );

/** `nfvi-doctor alarms`: the caller's alarms (a tenant's with --tenant, for an administrator), newest first. */
export async function listAlarms(api: ApiClient, output: Output, filters: AlarmFilters): Promise<void> {
  const alarms = await api.get('/v1/alarms', alarmList, queryOf(filters));
  print(output, alarms, alarmTable);
}

/**
 * `nfvi-doctor alarms ack <id>`: the id as the table shows it (its first characters) or whole.
 * A short id is looked up among the caller's alarms, cleared ones included.
 */
export async function acknowledgeAlarm(
  api: ApiClient,
  output: Output,
  id: string,
  tenant: string | undefined,
): Promise<void> {
  const alarmId = z.uuid().safeParse(id).success ? id : await fullIdOf(api, id, tenant);
  // Alarms are kept under their tenant: an administrator names the tenant of another's alarm.
  const owner = tenant ? `?tenantId=${encodeURIComponent(tenant)}` : '';
  const answer = await api.patch(`/v1/alarms/${encodeURIComponent(alarmId)}${owner}`, acknowledged, {
    ackState: 'ACKNOWLEDGED',
  });
  print(output, answer, () => `alarm ${alarmId} acknowledged`);
}

async function fullIdOf(api: ApiClient, prefix: string, tenant: string | undefined): Promise<string> {
  const alarms = await api.get('/v1/alarms', alarmList, queryOf({ tenant, all: true }));
  const matches = alarms.filter((a) => a.id.startsWith(prefix));
  const [only] = matches;
  if (matches.length === 1 && only) return only.id;
  if (matches.length === 0) throw new CliError(`no alarm with an id starting ${prefix}`);
  throw new CliError(`${matches.length} alarms have an id starting ${prefix}: ${matches.map((a) => a.id).join(', ')}`);
}

/** `alarms` and its subcommand `ack`, which shares its --tenant. */
export function alarmsCommand({ apiOf, output }: CommandKit): Command {
  const alarms = new Command('alarms')
    .description('alarms (Doctor FaultQuery): active ones by default')
    .option('--tenant <project>', "a tenant's alarms (administrators)")
    .option('--resource <id>', 'alarms of an instance or a host')
    .option('--fault-type <type>', 'e.g. compute.host.down')
    .addOption(
      new Option('--min-severity <severity>', 'this severity or worse').choices(
        perceivedSeverity.exclude(['CLEARED']).options,
      ),
    )
    .option('--since <iso>', 'active at some time since')
    .option('--until <iso>', 'active at some time until')
    .option('--all', 'cleared alarms too')
    .action(async (options, command: Command) => {
      await listAlarms(apiOf(command), output(command), options);
    });
  alarms
    .command('ack <alarmId>')
    .description("acknowledge an alarm (its id, or the first characters the table shows; with --tenant, a tenant's)")
    .action(async (alarmId: string, _options, command: Command) => {
      // --tenant belongs to `alarms`: commander gives it to the parent wherever it appears.
      const { tenant } = command.optsWithGlobals<{ tenant?: string }>();
      await acknowledgeAlarm(apiOf(command), output(command), alarmId, tenant);
    });
  return alarms;
}
