import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { Argument, Command } from 'commander';
import { FaultInjector, type InjectedEvent } from '../../adapters/eventbridge/fault-injector';
import { COLLECTOR_SOURCE } from '../../contracts/bus-events';
import { hardwareComponents, parseCollectorEvent, type CollectorEvent } from '../../contracts/southbound';
import { faultSignalOf } from '../../inspector/fault-signal';
import { stageNames } from '../../platform/stage-names';
import { withAws } from './aws-failure';
import { UsageError } from './cli-error';
import type { CommandKit } from './command-kit';
import { print, table, type Output } from './render';
import { readSettings } from './settings';

type Build = (injector: FaultInjector, host: string, recovered: boolean) => InjectedEvent;

/** The faults `inject` offers, each as the collector event that reports it (or its recovery). */
export const injectableFaults: Record<string, { what: string; build: Build }> = {
  'host-down': {
    what: 'the management link goes down (the host is lost)',
    build: (injector, host, recovered) => injector.link(host, recovered ? 'up' : 'down', { role: 'management' }),
  },
  'link-down': {
    what: 'a data link goes down (NIC failure)',
    build: (injector, host, recovered) =>
      injector.link(host, recovered ? 'up' : 'down', { interface: 'ens1f0', role: 'data' }),
  },
  'hypervisor-down': {
    what: 'libvirtd stops',
    build: (injector, host, recovered) =>
      injector.event('hypervisor.state', { host, process: 'libvirtd', state: recovered ? 'up' : 'down' }),
  },
  ...Object.fromEntries(
    hardwareComponents.map((component): [string, { what: string; build: Build }] => [
      `${component}-error`,
      {
        what: `the BMC reports the ${component} critical`,
        build: (injector, host, recovered) =>
          injector.hardware(host, {
            component,
            state: recovered ? 'ok' : 'critical',
            message: `${component} ${recovered ? 'recovered' : 'failure'} (injected by nfvi-doctor)`,
          }),
      },
    ]),
  ),
};

/** What was put on the bus, and the fault the correlator will make of it. */
export interface Injection {
  eventBus: string;
  event: CollectorEvent;
  faultType: string;
  perceivedSeverity: string;
  active: boolean;
}

/** The event checked against the southbound contract, as the correlator will check it. */
function validated(injected: InjectedEvent): CollectorEvent {
  const parsed = parseCollectorEvent({
    source: COLLECTOR_SOURCE,
    'detail-type': injected.detailType,
    detail: injected.detail,
  });
  if (!parsed.ok) throw new UsageError(`the event would be refused by the correlator:\n${parsed.reason}`);
  return parsed.event;
}

function injectionOf(eventBus: string, event: CollectorEvent): Injection {
  const signal = faultSignalOf(event);
  if (signal.kind !== 'condition') throw new Error(`${event['detail-type']} does not report a fault by itself`);
  return {
    eventBus,
    event,
    faultType: signal.fault.faultType,
    perceivedSeverity: signal.fault.perceivedSeverity,
    active: signal.active,
  };
}

/** The faults on offer and what each becomes in the catalogue (for the command's help). */
export function faultMenu(): string {
  // The events are built as the command builds them, by an injector that never puts them.
  const injector = new FaultInjector(new EventBridgeClient({}), 'none');
  return table(
    ['fault', 'what happens', 'collector event', 'catalogue fault'],
    Object.entries(injectableFaults).map(([name, fault]) => {
      const injection = injectionOf('', validated(fault.build(injector, 'host', false)));
      return [
        name,
        fault.what,
        injection.event['detail-type'],
        `${injection.faultType} (${injection.perceivedSeverity})`,
      ];
    }),
  );
}

/**
 * `nfvi-doctor inject <host> <fault> [--clear]`: puts the event a collector of that host would
 * put on the bus for the fault (or, with --clear, for its recovery).
 */
export async function injectFault(
  injector: FaultInjector,
  eventBus: string,
  output: Output,
  request: { host: string; fault: string; clear: boolean },
): Promise<void> {
  const fault = injectableFaults[request.fault];
  if (!fault) {
    throw new UsageError(`unknown fault ${request.fault}; one of ${Object.keys(injectableFaults).join(', ')}`);
  }
  const injected = fault.build(injector, request.host, request.clear);
  const injection = injectionOf(eventBus, validated(injected));
  await injector.put([injected]);
  print(output, injection, (i) =>
    [
      `put on bus ${i.eventBus}: ${COLLECTOR_SOURCE} ${i.event['detail-type']} ${JSON.stringify(i.event.detail)}`,
      i.active
        ? `raises ${i.faultType} (${i.perceivedSeverity}) on ${i.event.detail.host}`
        : `clears ${i.faultType} on ${i.event.detail.host}`,
    ].join('\n'),
  );
}

/** `inject` puts on the stage's bus directly: it needs the stage, not the API. */
export function injectCommand({ context, globals, output }: CommandKit): Command {
  return new Command('inject')
    .description("put a test fault on the bus, as the host's collector would report it")
    .argument('<host>', 'the compute host')
    .addArgument(new Argument('<fault>', 'the fault (below)').choices(Object.keys(injectableFaults)))
    .option('--clear', 'report the recovery instead')
    .addHelpText('after', () => `\nFaults:\n${faultMenu()}`)
    .action(async (host: string, fault: string, options: { clear?: boolean }, command: Command) => {
      const local = globals(command).local === true;
      const { stage } = readSettings(context.env, local, ['stage']);
      const bus = stageNames(stage).eventBus;
      const injector = context.adapters.faultInjector({ stage, local });
      await withAws(`the event bus ${bus}`, () =>
        injectFault(injector, bus, output(command), { host, fault, clear: options.clear === true }),
      );
    });
}
