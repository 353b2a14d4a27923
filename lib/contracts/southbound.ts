import { z } from 'zod';
import { COLLECTOR_SOURCE } from './bus-events';
import { faultTypes } from './fault-catalogue';

/**
 * The southbound contract: what edge collectors put on the bus (source "nfvi.collector").
 * Every detail carries host, collectorId, seq (monotonic per collector) and observedAt.
 */

const observation = {
  host: z.string().min(1).max(255),
  collectorId: z.string().min(1).max(255),
  seq: z.number().int().nonnegative(),
  observedAt: z.iso.datetime({ offset: true, precision: 3 }),
};

export const linkStateDetail = z.object({
  ...observation,
  interface: z.string().min(1).max(64),
  state: z.enum(['up', 'down']),
  carrier: z.boolean(),
  role: z.enum(['management', 'data', 'storage']).optional(),
});

export const hostHeartbeatDetail = z.object({
  ...observation,
  uptimeS: z.number().nonnegative(),
  bootId: z.string().min(1).max(128),
});

export const peerReachabilityDetail = z.object({
  ...observation,
  peer: z.string().min(1).max(255),
  reachable: z.boolean(),
  lossPct: z.number().min(0).max(100),
  rttMs: z.number().nonnegative().nullable(),
});

export const hardwareComponents = [
  'cpu',
  'memory',
  'psu',
  'fan',
  'thermal',
  'disk',
  'storage-controller',
  'mainboard',
  'bmc',
] as const;

export const hardwareEventDetail = z.object({
  ...observation,
  component: z.enum(hardwareComponents),
  sensor: z.string().min(1).max(128).optional(),
  reading: z.union([z.number(), z.string().max(128)]).optional(),
  state: z.enum(['ok', 'warning', 'critical']),
  message: z.string().max(1024),
});

export const hypervisorStateDetail = z.object({
  ...observation,
  process: z.string().min(1).max(64),
  state: z.enum(['up', 'down']),
});

/**
 * A fault another monitor already classified (Doctor's inspector API, Vitrage's Doctor
 * datasource, Prometheus Alertmanager), normalised by the compatibility ingest; collectorId
 * names the monitor (or the alert).
 */
export const faultReportDetail = z.object({
  ...observation,
  faultType: z.enum(faultTypes),
  active: z.boolean(),
  origin: z.enum(['doctor', 'vitrage', 'alertmanager']),
  message: z.string().max(1024),
});
export type FaultReportDetail = z.infer<typeof faultReportDetail>;

export const predictionIndicators = ['disk', 'memory', 'thermal', 'power'] as const;

/**
 * A collector's prediction that its host is about to fail (failure avoidance), or that the trend
 * behind an earlier prediction is gone. The collector judges the trend on its own samples, which
 * stay on the host; only a prediction's transitions are sent. `subject` is what the indicator
 * watches (a disk device, a memory controller, a sensor), so each can be predicted and cleared alone.
 */
export const failurePredictionDetail = z.object({
  ...observation,
  indicator: z.enum(predictionIndicators),
  subject: z.string().min(1).max(128),
  predicted: z.boolean(),
  severity: z.enum(['WARNING', 'MAJOR']),
  probableCause: z.string().min(1).max(256),
  evidence: z.array(z.string().max(512)).max(20),
});
export type FailurePredictionDetail = z.infer<typeof failurePredictionDetail>;
export type PredictionIndicator = (typeof predictionIndicators)[number];

const envelope = <T extends string, D extends z.ZodType>(detailType: T, detail: D) =>
  z.object({
    source: z.literal(COLLECTOR_SOURCE),
    'detail-type': z.literal(detailType),
    detail,
  });

export const collectorEvent = z.discriminatedUnion('detail-type', [
  envelope('link.state', linkStateDetail),
  envelope('host.heartbeat', hostHeartbeatDetail),
  envelope('peer.reachability', peerReachabilityDetail),
  envelope('hardware.event', hardwareEventDetail),
  envelope('hypervisor.state', hypervisorStateDetail),
  envelope('fault.report', faultReportDetail),
  envelope('failure.prediction', failurePredictionDetail),
]);

export type CollectorEvent = z.infer<typeof collectorEvent>;
export type HardwareComponent = (typeof hardwareComponents)[number];
export type Observation = Pick<CollectorEvent['detail'], 'collectorId' | 'seq' | 'observedAt'>;

export type ParsedCollectorEvent = { ok: true; event: CollectorEvent } | { ok: false; reason: string };

/** Validates an EventBridge event against the southbound contract; the reason names every problem. */
export function parseCollectorEvent(raw: unknown): ParsedCollectorEvent {
  const result = collectorEvent.safeParse(raw);
  if (result.success) return { ok: true, event: result.data };
  return { ok: false, reason: z.prettifyError(result.error) };
}
