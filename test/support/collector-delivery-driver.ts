/**
 * Stands in for the collector daemon in the kill -9 test: opens a Delivery on SPOOL_DIR with the
 * real EventBridge adapter pointed at BUS_ENDPOINT, sends COUNT hardware events at once (message
 * "<RUN> #<i>") and prints "spooled <seq>" as each is spooled. Logs go to stderr as JSON lines.
 * Runs until SIGTERM (stops the delivery) or SIGKILL.
 */
import { collectorEventBridgeClient, EventBridgeSink } from '../../lib/adapters/eventbridge/collector-sink';
import { Delivery } from '../../lib/monitor/delivery/delivery';
import { now } from '../../lib/monitor/report';

const setting = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const log =
  (level: string) =>
  (message: string, extra?: object): void => {
    process.stderr.write(`${JSON.stringify({ level, message, ...extra })}\n`);
  };

async function main(): Promise<void> {
  const run = setting('RUN');
  const client = collectorEventBridgeClient({ region: 'us-east-1', endpoint: setting('BUS_ENDPOINT') });
  const delivery = await Delivery.open({
    host: 'compute-1',
    collectorId: 'collector-compute-1',
    busName: 'nfvi-doctor-test',
    spoolDir: setting('SPOOL_DIR'),
    fsync: false,
    sink: new EventBridgeSink(client),
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
    retry: { baseMs: 5, maxMs: 50 },
  });
  delivery.start();
  // Nothing else keeps this process alive while the sender waits for events.
  const alive = setInterval(() => undefined, 60_000);
  process.once('SIGTERM', () => {
    void delivery.stop().then(() => {
      clearInterval(alive);
      client.destroy();
    });
  });
  for (let i = 0; i < Number(setting('COUNT')); i++) {
    void delivery
      .send({
        detailType: 'hardware.event',
        detail: { observedAt: now(), component: 'psu', state: 'critical', message: `${run} #${i}` },
      })
      .then((seq) => process.stdout.write(`spooled ${seq}\n`));
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
