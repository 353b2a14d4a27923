import { DynamoDbQuarantine } from '../adapters/dynamodb/dynamodb-quarantine';
import { awsClients } from '../platform/aws-clients';
import { config } from '../platform/config';
import type { Quarantine } from '../platform/quarantine';

/** The quarantine table, for functions that refuse a bus event before their use case runs. */
export const quarantine = (): Quarantine => new DynamoDbQuarantine(awsClients().dynamo, config().quarantineTable);
