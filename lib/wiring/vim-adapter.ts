import { DynamoDbFaultActions } from '../adapters/dynamodb/dynamodb-fault-actions';
import { DynamoDbInventory } from '../adapters/dynamodb/dynamodb-inventory';
import { DynamoDbQuarantine } from '../adapters/dynamodb/dynamodb-quarantine';
import { EventBridgePublisher } from '../adapters/eventbridge/eventbridge-publisher';
import { OpenStackVimActions } from '../adapters/openstack/openstack-vim-actions';
import { vimConnection } from '../adapters/openstack/vim-connection';
import { VimError } from '../adapters/openstack/vim-error';
import { VIM_ADAPTER_SOURCE } from '../contracts/bus-events';
import { type VimAdapterDeps } from '../controller/apply-fault-actions';
import { awsClients } from '../platform/aws-clients';
import { config } from '../platform/config';

/** The VIM adapter's adapters, for the credentials the invocation received. */
export function vimAdapterDeps(credentials: unknown): VimAdapterDeps {
  const cfg = config();
  if (!cfg.vim.actionsTable) throw new Error('NFVI_VIM_ACTIONS_TABLE is not set');
  const { nova, neutron } = vimConnection(credentials, cfg.vim);
  const { dynamo, eventBridge } = awsClients();
  return {
    store: new DynamoDbFaultActions(dynamo, cfg.vim.actionsTable),
    quarantine: new DynamoDbQuarantine(dynamo, cfg.quarantineTable),
    maintenance: new DynamoDbInventory(dynamo, cfg.inventoryTable),
    vim: new OpenStackVimActions(nova, neutron),
    reports: new EventBridgePublisher(eventBridge, cfg.eventBusName, VIM_ADAPTER_SOURCE),
    disableOnPrediction: cfg.prediction.disablesHost,
    permanent: (error) => error instanceof VimError && !error.transient,
    clock: () => new Date(),
  };
}
