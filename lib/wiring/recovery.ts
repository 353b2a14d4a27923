import { DynamoDbFaultStore } from '../adapters/dynamodb/dynamodb-fault-store';
import { DynamoDbFencing } from '../adapters/dynamodb/dynamodb-fencing';
import { DynamoDbInventory } from '../adapters/dynamodb/dynamodb-inventory';
import { DynamoDbRecoveries } from '../adapters/dynamodb/dynamodb-recoveries';
import { DynamoDbRecoveryPolicies } from '../adapters/dynamodb/dynamodb-recovery-policies';
import { NovaInventorySource } from '../adapters/openstack/nova-inventory-source';
import { NovaRecovery } from '../adapters/openstack/nova-recovery';
import { vimConnection } from '../adapters/openstack/vim-connection';
import { SnsNotifier } from '../adapters/sns/sns-notifier';
import { TenantTopics } from '../adapters/sns/tenant-topics';
import { syncInventory } from '../inventory/sync-inventory';
import { awsClients } from '../platform/aws-clients';
import { config } from '../platform/config';
import { StoredDeadHostFacts } from '../recovery/dead-host-facts';
import { RecoveryWorkflow } from '../recovery/recovery-workflow';

/** How the workflow paces the VIM: evacuations take seconds, the sweeper runs every minute. */
const RECOVERY_PACE = { actionTimeoutS: 120, maxAttempts: 3, pollS: 1, sweepS: 60 };

/** The recovery workflow on the real adapters, for the VIM credentials the invocation received. */
export function recoveryWorkflow(credentials: unknown): RecoveryWorkflow {
  const cfg = config();
  const { dynamo, sns } = awsClients();
  const { nova } = vimConnection(credentials, cfg.vim);
  const { defaultPolicy, graceS, maxGraceS } = cfg.recovery;
  const topics = new TenantTopics(dynamo, sns, cfg.tenantsTable, cfg.topicPrefix, cfg.topicKmsKey);
  const inventory = new DynamoDbInventory(dynamo, cfg.inventoryTable);
  return new RecoveryWorkflow({
    recoveries: new DynamoDbRecoveries(dynamo, cfg.recovery.table),
    policies: new DynamoDbRecoveryPolicies(dynamo, cfg.recovery.policiesTable),
    vim: new NovaRecovery(nova),
    facts: new StoredDeadHostFacts(
      new DynamoDbFencing(dynamo, cfg.fencing.table),
      new DynamoDbFaultStore(dynamo, cfg.alarmsTable),
    ),
    notifier: new SnsNotifier(sns, cfg.adminTopicArn, topics),
    inventory: {
      refresh: async () => {
        await syncInventory(new NovaInventorySource(nova), inventory, topics, new Date());
      },
    },
    settings: {
      ...RECOVERY_PACE,
      defaults: { policy: defaultPolicy, graceS, maxGraceS },
      apiUrl: cfg.maintenance.apiUrl,
    },
    clock: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
}
