#!/usr/bin/env node
import { Logger } from '@aws-lambda-powertools/logger';
import { parseArgs } from 'node:util';
import { collectorEventBridgeClient, EventBridgeSink } from '../../adapters/eventbridge/collector-sink';
import { startCollector } from '../../monitor/collector';
import { loadCollectorConfig } from '../../monitor/config';

const USAGE = 'usage: nfvi-collector --config <file.json>';

/** nfvi-collector: the edge collector daemon (see docs/collectors.md). */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean' } } });
  if (values.help || !values.config) {
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  let config;
  try {
    config = loadCollectorConfig(values.config);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  const logger = new Logger({
    serviceName: 'nfvi-collector',
    logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'INFO',
    persistentLogAttributes: { host: config.host },
  });
  const collector = await startCollector(config, logger, new EventBridgeSink(collectorEventBridgeClient(config.bus)));
  logger.info('collector running', { sources: collector.sources.map((s) => s.name), bus: config.bus.name });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal, pending: collector.delivery.stats.pending });
    void collector.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: Error) => {
  console.error(`nfvi-collector failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
