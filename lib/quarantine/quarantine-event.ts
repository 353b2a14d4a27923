import { awsClients } from '../aws/clients';
import { config } from '../config';
import { logger } from '../observability';
import { DynamoDbQuarantine } from './dynamodb-quarantine';

/** Keeps a bus event a workflow function cannot read, with the reason, and says so in the log. */
export async function quarantineEvent(
  source: string,
  reason: string,
  payload: unknown,
): Promise<{ outcome: 'quarantined'; reason: string }> {
  await new DynamoDbQuarantine(awsClients().dynamo, config().quarantineTable).put({
    source,
    reason,
    payload,
    receivedAt: new Date().toISOString(),
  });
  logger.warn('event quarantined', { source, reason });
  return { outcome: 'quarantined', reason };
}
