import { awsClients } from '../aws/clients';
import { config } from '../config';
import { DynamoDbQuarantine } from '../quarantine/dynamodb-quarantine';
import { DynamoDbFaultActions } from '../store/dynamodb-fault-actions';
import { DynamoDbInventory } from '../store/dynamodb-inventory';
import { vimConnection } from '../vim/vim-connection';
import { EventBridgePublisher } from '../bus/eventbridge-publisher';
import { VIM_ADAPTER_SOURCE, type VimAdapterDeps } from './apply-fault-actions';
import { OpenStackVimActions } from './openstack-vim-actions';

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
    clock: () => new Date(),
  };
}
