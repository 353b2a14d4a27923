import type { CollectorConfig } from './config';
import { Delivery } from './delivery/delivery';
import { type EventSink } from './delivery/ports';
import { IpmiSource } from './hardware/ipmi-source';
import { RedfishListener } from './hardware/redfish-listener';
import { SmartSource } from './hardware/smart-source';
import { HeartbeatSource } from './heartbeat-source';
import { HypervisorSource } from './hypervisor-source';
import { LinkSource } from './link/link-source';
import type { CollectorLogger } from './logger';
import { PeerSource } from './peers/peer-source';
import { DiskPredictionSource } from './prediction/disk-prediction-source';
import { MemoryPredictionSource } from './prediction/memory-prediction-source';
import { PowerPredictionSource } from './prediction/power-prediction-source';
import { ThermalPredictionSource } from './prediction/thermal-prediction-source';
import type { Report, Source } from './report';

/** The sources the configuration turns on: a source is on when its section is present. */
export function sourcesFor(config: CollectorConfig, logger: CollectorLogger): Source[] {
  const sources: Source[] = [];
  if (config.link) sources.push(new LinkSource(config.link, logger));
  if (config.peers) sources.push(new PeerSource(config.peers, logger));
  if (config.heartbeat) sources.push(new HeartbeatSource(config.heartbeat, logger));
  if (config.hypervisor) sources.push(new HypervisorSource(config.hypervisor, logger));
  if (config.ipmi) sources.push(new IpmiSource(config.ipmi, logger));
  if (config.redfish) sources.push(new RedfishListener(config.redfish, logger));
  if (config.smart) sources.push(new SmartSource(config.smart, logger));
  const { prediction } = config;
  if (prediction?.disk && config.smart) sources.push(new DiskPredictionSource(config.smart, prediction.disk, logger));
  if (prediction?.memory) sources.push(new MemoryPredictionSource(prediction.memory, logger));
  if (prediction?.thermal) sources.push(new ThermalPredictionSource(prediction.thermal, logger));
  if (prediction?.power && config.ipmi) sources.push(new PowerPredictionSource(config.ipmi, prediction.power, logger));
  return sources;
}

export interface RunningCollector {
  delivery: Delivery;
  sources: Source[];
  stop(): Promise<void>;
}

/**
 * Starts the collector: the delivery first (it re-sends what a previous run left in the
 * spool), then every source, each report handed to the delivery as it is observed.
 */
export async function startCollector(
  config: CollectorConfig,
  logger: CollectorLogger,
  sink: EventSink,
  sources: Source[] = sourcesFor(config, logger),
): Promise<RunningCollector> {
  const delivery = await Delivery.open({
    host: config.host,
    collectorId: config.collectorId ?? config.host,
    busName: config.bus.name,
    spoolDir: config.spool.dir,
    fsync: config.spool.fsync,
    sink,
    retry: config.bus.retry,
    logger,
  });
  delivery.start();
  const emit = (report: Report) => {
    delivery
      .send(report)
      .catch((error: Error) => logger.error('report not delivered', { report, error: error.message }));
  };
  // All at once: a slow first poll (a BMC over LAN) must not hold back link and peer watching.
  const results = await Promise.allSettled(
    sources.map(async (source) => {
      await source.start(emit);
      logger.info('source started', { source: source.name });
    }),
  );
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) {
    await Promise.allSettled(sources.map((source) => source.stop()));
    await delivery.stop();
    throw failed.reason;
  }
  return {
    delivery,
    sources,
    async stop() {
      await Promise.allSettled(sources.map((source) => source.stop()));
      await delivery.stop();
    },
  };
}
