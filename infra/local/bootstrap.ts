import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { join } from 'node:path';
import { DynamoDbInventory } from '../../lib/adapters/dynamodb/dynamodb-inventory';
import { TenantTopics } from '../../lib/adapters/sns/tenant-topics';
import { readInventoryFile } from '../../lib/inventory/inventory-file';
import { loadInventory, type LoadedInventory } from '../../lib/inventory/load-inventory';
import { awsClients } from '../../lib/platform/aws-clients';
import { config } from '../../lib/platform/config';
import { stageNames } from '../../lib/platform/stage-names';
import { PROJECT_ROOT } from './stack';

export const DEMO_INVENTORY = join(PROJECT_ROOT, 'infra', 'local', 'inventory.demo.json');

/** The inventory file: NFVI_DOCTOR_INVENTORY, or the demo inventory that ships with the project. */
export const inventoryPath = () => process.env.NFVI_DOCTOR_INVENTORY ?? DEMO_INVENTORY;

/** Creates the admin topic (the offline SNS does not read CloudFormation). */
export async function createAdminTopic(): Promise<string> {
  const name = config().adminTopicArn.split(':').pop() as string;
  const { TopicArn } = await awsClients().sns.send(new CreateTopicCommand({ Name: name }));
  return TopicArn as string;
}

/** Loads an inventory file into a stage's tables and creates its tenants' topics. */
export async function loadInventoryFile(path: string, stage = config().stage): Promise<LoadedInventory> {
  const names = stageNames(stage);
  const { dynamo, sns } = awsClients();
  return loadInventory(
    await readInventoryFile(path),
    new DynamoDbInventory(dynamo, names.inventoryTable),
    new TenantTopics(dynamo, sns, names.tenantsTable, names.topicPrefix),
    new Date(),
  );
}
