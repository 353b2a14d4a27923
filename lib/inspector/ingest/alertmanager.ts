import { z } from 'zod';
import { faultTypes, type FaultType } from '../../contracts/fault-catalogue';
import { monitorId, reportOf, type Normalised } from './doctor-events';

/*
 * Prometheus Alertmanager's webhook (payload version 4): {version, status, receiver, groupLabels,
 * commonLabels, commonAnnotations, externalURL, alerts: [{status, labels, annotations, startsAt,
 * endsAt, generatorURL, fingerprint}]}. Each alert names its host in a label and its fault in a
 * `fault_type` label (a fault type of the catalogue) or by a well-known alertname.
 */

/** Alert names of common node_exporter rules, and the fault each means. */
const KNOWN_ALERTS: Record<string, FaultType> = {
  HostDown: 'compute.host.down',
  NodeDown: 'compute.host.down',
  InstanceDown: 'compute.host.down',
  NodeNetworkInterfaceDown: 'compute.host.nic.error',
  HostNetworkInterfaceDown: 'compute.host.nic.error',
  NodeHardwareTemperatureHigh: 'compute.host.thermal.error',
  HostEdacUncorrectableErrorsDetected: 'compute.host.memory.error',
  HostRaidDiskFailure: 'compute.host.disk.error',
  LibvirtDown: 'compute.hypervisor.down',
};

const time = z.iso.datetime({ offset: true });

const alert = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()).default({}),
  startsAt: time,
  endsAt: z.string().optional(),
  fingerprint: z.string().max(64).optional(),
});

const webhook = z.object({
  version: z.literal('4'),
  receiver: z.string().max(255),
  alerts: z.array(z.unknown()).min(1).max(1000),
});

/**
 * The webhook with its alerts, as the API description shows it (the ingest reads each alert on
 * its own, so that one malformed alert does not refuse the others).
 */
export const alertmanagerWebhook = webhook.extend({ alerts: z.array(alert).min(1).max(1000) });

/** The host an alert is about: a host label, else the scrape target without its port. */
function hostOf(labels: Record<string, string>): string | undefined {
  const named = labels.host ?? labels.hostname ?? labels.nodename;
  if (named) return named;
  const instance = labels.instance;
  if (!instance) return undefined;
  return instance.startsWith('[') ? instance.slice(1, instance.indexOf(']')) : instance.replace(/:\d+$/, '');
}

function faultTypeOf(labels: Record<string, string>): FaultType | string {
  const labelled = labels.fault_type;
  if (labelled !== undefined) {
    return (faultTypes as readonly string[]).includes(labelled)
      ? (labelled as FaultType)
      : `label fault_type "${labelled}" is not a fault type of the catalogue: ${faultTypes.join(', ')}`;
  }
  const known = KNOWN_ALERTS[labels.alertname ?? ''];
  return (
    known ??
    `alert "${labels.alertname}" has no fault_type label and is not one of ${Object.keys(KNOWN_ALERTS).join(', ')}`
  );
}

/** Each alert of an Alertmanager webhook as a southbound fault report, or why not. */
export function normaliseAlertmanager(body: unknown): Normalised[] {
  const parsed = webhook.safeParse(body);
  if (!parsed.success) return [{ ok: false, index: 0, reason: z.prettifyError(parsed.error) }];
  return parsed.data.alerts.map((raw, index): Normalised => {
    const a = alert.safeParse(raw);
    if (!a.success) return { ok: false, index, reason: z.prettifyError(a.error) };
    const { status, labels, annotations, startsAt, endsAt, fingerprint } = a.data;
    const host = hostOf(labels);
    if (!host) return { ok: false, index, reason: 'no host, hostname, nodename or instance label' };
    const faultType = faultTypeOf(labels);
    if (!(faultTypes as readonly string[]).includes(faultType)) return { ok: false, index, reason: faultType };
    // A resolved alert is dated by its end, so that it orders after the firing one.
    const at = status === 'resolved' && endsAt && !Number.isNaN(Date.parse(endsAt)) ? endsAt : startsAt;
    const ms = Date.parse(at);
    const name = labels.alertname ?? faultType;
    return reportOf(index, {
      host,
      collectorId: monitorId('alertmanager', fingerprint ?? name),
      seq: ms * 1000,
      observedAt: new Date(ms).toISOString(),
      faultType: faultType as FaultType,
      active: status === 'firing',
      origin: 'alertmanager',
      message: `${name} ${status}: ${annotations.summary ?? annotations.description ?? ''}`.trim(),
    });
  });
}
